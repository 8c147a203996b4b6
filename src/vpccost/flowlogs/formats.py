"""Flow-log record formats: the fields of each version, the default format, and how a format is recognised.

A record's `version` field is the highest version among the fields chosen, so it does not tell the field
order: the order comes from the S3 file's header line, from the flow log's `LogFormat` (`${version}
${account-id} …`), or from the user. Fields this module does not know are carried through, never an error
(later versions add fields). Transit Gateway flow logs share the delivery layout but not the fields; their
header tells them apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from vpccost.errors import InputError

FIELDS_BY_VERSION: dict[int, tuple[str, ...]] = {
    2: (
        "version",
        "account-id",
        "interface-id",
        "srcaddr",
        "dstaddr",
        "srcport",
        "dstport",
        "protocol",
        "packets",
        "bytes",
        "start",
        "end",
        "action",
        "log-status",
    ),
    3: ("vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr"),
    4: ("region", "az-id", "sublocation-type", "sublocation-id"),
    5: ("pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path"),
    7: (
        "ecs-cluster-arn",
        "ecs-cluster-name",
        "ecs-container-instance-arn",
        "ecs-container-instance-id",
        "ecs-container-id",
        "ecs-second-container-id",
        "ecs-service-name",
        "ecs-task-definition-arn",
        "ecs-task-arn",
        "ecs-task-id",
    ),
    8: ("reject-reason",),
    9: ("resource-id",),
    10: ("encryption-status",),
    11: (
        "interface-type",
        "next-hop-interface-id",
        "next-hop-subnet-id",
        "next-hop-az-id",
        "next-hop-vpc-id",
        "next-hop-interface-type",
    ),
}
"""VPC flow-log fields by the version that introduced them (Amazon VPC User Guide, "Flow log records":
https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html)."""

TRANSIT_GATEWAY_FIELDS = frozenset(
    {
        "resource-type",
        "tgw-id",
        "tgw-attachment-id",
        "tgw-src-vpc-account-id",
        "tgw-dst-vpc-account-id",
        "tgw-src-vpc-id",
        "tgw-dst-vpc-id",
        "tgw-src-subnet-id",
        "tgw-dst-subnet-id",
        "tgw-src-eni",
        "tgw-dst-eni",
        "tgw-src-az-id",
        "tgw-dst-az-id",
        "tgw-pair-attachment-id",
        "packets-lost-no-route",
        "packets-lost-blackhole",
        "packets-lost-mtu-exceeded",
        "packets-lost-ttl-expired",
    }
)
"""Fields only Transit Gateway flow logs have: one of them in a header makes it a TGW flow log."""

KNOWN_FIELDS = frozenset(field for fields in FIELDS_BY_VERSION.values() for field in fields) | TRANSIT_GATEWAY_FIELDS

DEFAULT_FIELDS: tuple[str, ...] = FIELDS_BY_VERSION[2]
"""The default format (version 2), the format of headerless records when no `--log-format` is given."""

INTEGER_FIELDS = frozenset(
    {
        "version",
        "srcport",
        "dstport",
        "protocol",
        "packets",
        "bytes",
        "start",
        "end",
        "tcp-flags",
        "traffic-path",
        "encryption-status",
        "packets-lost-no-route",
        "packets-lost-blackhole",
        "packets-lost-mtu-exceeded",
        "packets-lost-ttl-expired",
    }
)
"""Fields holding whole numbers; every other field is text (`account-id` keeps its leading zeros)."""

_FIELD_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_LOG_FORMAT_TOKEN = re.compile(r"^\$\{(?P<name>[^}\s]*)\}$")


class LogKind(StrEnum):
    vpc = "vpc"
    transit_gateway = "transit_gateway"


@dataclass(frozen=True)
class LogFormat:
    """The ordered fields of one record format, in AWS's hyphenated names."""

    fields: tuple[str, ...]

    @property
    def kind(self) -> LogKind:
        return LogKind.transit_gateway if TRANSIT_GATEWAY_FIELDS.intersection(self.fields) else LogKind.vpc

    @property
    def columns(self) -> tuple[str, ...]:
        """The fields as column names (underscores, as in Athena tables and Parquet delivery)."""
        return tuple(column_name(field) for field in self.fields)

    @property
    def unknown_fields(self) -> tuple[str, ...]:
        return tuple(field for field in self.fields if field not in KNOWN_FIELDS)

    @property
    def text(self) -> str:
        return " ".join(self.fields)


DEFAULT_FORMAT = LogFormat(DEFAULT_FIELDS)


def column_name(field: str) -> str:
    """`pkt-srcaddr` → `pkt_srcaddr`: the column name Athena tables and Parquet files use."""
    return field.replace("-", "_")


def field_name(column: str) -> str:
    """`pkt_srcaddr` → `pkt-srcaddr`."""
    return column.replace("_", "-")


def header_format(line: str) -> LogFormat | None:
    """The format a header line declares, or None when the line is a record.

    A header is a line of field names (lower-case words joined by hyphens) of which at least one is a field
    vpccost knows; a record always has a value that is not such a name (a number, an address, `-`)."""
    names = line.split()
    if not names or not all(_FIELD_NAME.match(name) for name in names):
        return None
    if not KNOWN_FIELDS.intersection(names):
        return None
    return LogFormat(tuple(names))


def parse_log_format(text: str, *, source: str = "--log-format") -> LogFormat:
    """A format as `DescribeFlowLogs` gives it (`${version} ${account-id} …`), or plain field names
    separated by spaces. An empty text is the default format, as in `DescribeFlowLogs`.

    Raises InputError naming the position and the token when the text is not a format."""
    tokens = text.split()
    if not tokens:
        return DEFAULT_FORMAT
    fields: list[str] = []
    for position, token in enumerate(tokens, start=1):
        match = _LOG_FORMAT_TOKEN.match(token)
        name = match.group("name") if match else token
        if not _FIELD_NAME.match(name):
            raise InputError(
                f"field {position} '{token}' is not a flow-log field (write fields as ${{name}} or name, "
                "e.g. '${version} ${account-id} ${interface-id}')",
                source=source,
                field=token,
            )
        if name in fields:
            raise InputError(f"field {position} '{name}' appears twice", source=source, field=name)
        fields.append(name)
    if not KNOWN_FIELDS.intersection(fields):
        raise InputError("none of the fields is a known flow-log field", source=source, field=tokens[0])
    return LogFormat(tuple(fields))
