"""The aggregation report: what was read, what was used, and why the rest was not — records and bytes that
add up exactly — with the data-quality signals (SKIPDATA intervals, unattributed addresses) and the
middleboxes the traffic passed through."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from vpccost.units import BYTES_PER_GB, format_decimal, utc_text

SKIP_REASONS: tuple[str, ...] = (
    "malformed",
    "outside_window",
    "duplicate",
    "nodata",
    "skipdata",
    "reject",
    "transit_gateway_log",
    "middlebox",
    "sender_logged",
    "unattributed",
)
"""Why a record was not used, in the order the counting rule decides it:

- `malformed`: a line with the wrong number of fields, a value that is not a number, an OK record without
  addresses or bytes;
- `outside_window`: its start is outside `--start`/`--end`;
- `duplicate`: an exact copy of a record already counted (overlapping flow logs, rule 5 in `vpccost.flowlogs`);
- `nodata`, `skipdata`: no traffic, or records lost (counted per ENI);
- `reject`: rejected traffic never crossed a billing boundary;
- `transit_gateway_log`: a Transit Gateway flow-log record: it names the attachments crossed, and the same
  packets are counted from VPC records;
- `middlebox`: a record of a NAT gateway, TGW attachment, endpoint or load balancer ENI (rule 3);
- `sender_logged`: the receiver's copy of bytes whose sender is logged, counted from the sender (rules 1–2);
- `unattributed`: a side the rule cannot place (local side undecidable, an address outside the topology's VPCs,
  an endpoint whose service is unknown, overlapping CIDRs), counted rather than guessed (rule 6)."""


@dataclass
class Tally:
    records: int = 0
    bytes: int = 0

    def add(self, records: int, bytes_: int) -> None:
        self.records += records
        self.bytes += bytes_


@dataclass
class Middlebox:
    """A middlebox ENI and the bytes its records show: `processed_bytes` entered it (its ingress records),
    which is what NAT gateways, endpoints and TGW attachments bill."""

    interface_id: str
    kind: str
    known_from: str
    vpc: str | None
    resource: str | None
    records: int
    processed_bytes: int
    sent_bytes: int


@dataclass
class TransitGatewayAttachmentTraffic:
    tgw_id: str | None
    attachment_id: str | None
    src_vpc: str | None
    dst_vpc: str | None
    records: int
    bytes: int


@dataclass
class FlowLogReport:
    """Every figure of one aggregation run. `records_read == records_used + sum(skipped records)` and
    `bytes_read == bytes_used + sum(skipped bytes)` always hold (`reconciles`)."""

    records_read: int = 0
    records_parsed: int = 0
    unparsed_lines: int = 0
    """Lines that never split into a record's fields (wrong field count): read, malformed, not parsed."""
    bytes_read: int = 0
    used: Tally = field(default_factory=Tally)
    skipped: dict[str, Tally] = field(default_factory=lambda: {reason: Tally() for reason in SKIP_REASONS})
    unattributed_by_cause: dict[str, Tally] = field(default_factory=dict)
    unattributed_examples: dict[str, list[str]] = field(default_factory=dict)
    initiator_evidence_bytes: dict[str, int] = field(default_factory=dict)
    skipdata_intervals: list[dict[str, Any]] = field(default_factory=list)
    window_start: int | None = None
    window_end: int | None = None
    observed_start: int | None = None
    observed_end: int | None = None
    period_seconds: int | None = None
    monthly: bool = False
    monthly_factor: Decimal | None = None
    middleboxes: list[Middlebox] = field(default_factory=list)
    transit_gateway_attachments: list[TransitGatewayAttachmentTraffic] = field(default_factory=list)
    overlapping_cidrs: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, Any] = field(default_factory=dict)
    formats: list[dict[str, Any]] = field(default_factory=list)
    malformed_examples: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def records_skipped(self) -> int:
        return sum(tally.records for tally in self.skipped.values())

    @property
    def bytes_skipped(self) -> int:
        return sum(tally.bytes for tally in self.skipped.values())

    @property
    def reconciles(self) -> bool:
        return (
            self.records_read == self.used.records + self.records_skipped
            and self.bytes_read == self.used.bytes + self.bytes_skipped
        )

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data: counts as numbers, volumes also as exact GB strings, times in UTC."""
        return {
            "records": {
                "read": self.records_read,
                "parsed": self.records_parsed,
                "used": self.used.records,
                "skipped": {reason: tally.records for reason, tally in self.skipped.items()},
            },
            "bytes": {
                "read": self.bytes_read,
                "used": self.used.bytes,
                "skipped": {reason: tally.bytes for reason, tally in self.skipped.items()},
            },
            "gb": {
                "read": _gb(self.bytes_read),
                "used": _gb(self.used.bytes),
                "skipped": {reason: _gb(tally.bytes) for reason, tally in self.skipped.items()},
            },
            "reconciles": self.reconciles,
            "unattributed": {
                cause: {
                    "records": tally.records,
                    "bytes": tally.bytes,
                    "examples": self.unattributed_examples.get(cause, []),
                }
                for cause, tally in sorted(self.unattributed_by_cause.items())
            },
            "initiator_evidence_bytes": dict(sorted(self.initiator_evidence_bytes.items())),
            "window": {
                "start": utc_seconds_text(self.window_start),
                "end": utc_seconds_text(self.window_end),
                "observed_start": utc_seconds_text(self.observed_start),
                "observed_end": utc_seconds_text(self.observed_end),
                "period_hours": None if self.period_seconds is None else format_decimal(self.period_hours),
                "monthly": self.monthly,
                "monthly_factor": None if self.monthly_factor is None else format_decimal(self.monthly_factor),
            },
            "skipdata_intervals": self.skipdata_intervals,
            "middleboxes": [
                {
                    "interface_id": box.interface_id,
                    "kind": box.kind,
                    "known_from": box.known_from,
                    "vpc": box.vpc,
                    "resource": box.resource,
                    "records": box.records,
                    "processed_bytes": box.processed_bytes,
                    "processed_gb": _gb(box.processed_bytes),
                    "sent_bytes": box.sent_bytes,
                }
                for box in self.middleboxes
            ],
            "transit_gateway_attachments": [
                {
                    "tgw_id": item.tgw_id,
                    "attachment_id": item.attachment_id,
                    "src_vpc": item.src_vpc,
                    "dst_vpc": item.dst_vpc,
                    "records": item.records,
                    "bytes": item.bytes,
                    "gb": _gb(item.bytes),
                }
                for item in self.transit_gateway_attachments
            ],
            "overlapping_cidrs": self.overlapping_cidrs,
            "files": self.files,
            "formats": self.formats,
            "malformed_examples": self.malformed_examples,
            "warnings": self.warnings,
        }

    @property
    def period_hours(self) -> Decimal:
        return Decimal(self.period_seconds or 0) / Decimal(3600)

    def summary(self) -> str:
        """A few lines for a terminal: the reconciliation, the reasons, the window, the warnings."""
        lines = [
            f"flow logs: {self.records_read:,} records read, {self.records_parsed:,} parsed, "
            f"{self.used.records:,} used ({_gb_short(self.used.bytes)} of {_gb_short(self.bytes_read)} GB)",
        ]
        reasons = [
            f"{reason.replace('_', ' ')} {tally.records:,} ({_gb_short(tally.bytes)} GB)"
            for reason, tally in self.skipped.items()
            if tally.records
        ]
        if reasons:
            lines.append("  skipped: " + ", ".join(reasons))
        if self.observed_start is not None:
            lines.append(f"  observed {utc_seconds_text(self.observed_start)} to {utc_seconds_text(self.observed_end)}")
        if self.monthly and self.monthly_factor is not None:
            lines.append(
                f"  scaled to a 730-hour month: × {format_decimal(round(self.monthly_factor, 6))} "
                f"(period {format_decimal(round(self.period_hours, 3))} h)"
            )
        elif self.period_seconds:
            lines.append(
                f"  the matrix covers {format_decimal(round(self.period_hours, 3))} hours, recorded with it: "
                "compare prices those hours; aggregate with --monthly for a month"
            )
        if not self.reconciles:
            lines.append("  the counts do not reconcile: please report this")
        lines.extend(f"warning: {warning}" for warning in self.warnings)
        return "\n".join(lines)


def _gb(bytes_: int) -> str:
    return format_decimal(Decimal(bytes_) / Decimal(BYTES_PER_GB))


def _gb_short(bytes_: int) -> str:
    return f"{Decimal(bytes_) / Decimal(BYTES_PER_GB):,.3f}"


def utc_seconds_text(seconds: int | None) -> str | None:
    """Unix seconds as `YYYY-MM-DDTHH:mm:ssZ`."""
    if seconds is None:
        return None
    return utc_text(datetime.fromtimestamp(seconds, tz=UTC))
