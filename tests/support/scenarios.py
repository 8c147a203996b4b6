"""Scenario folders: the inputs of one case and an `expected.yaml` that states each figure to check, with its
derivation, and the prices the derivations use.

A case folder holds `traffic.csv`, `topology.yaml` (absent when the case has no topology) and `expected.yaml`:

```yaml
title: one line: what the case is
inputs: the traffic and topology in words, and why the case matters
prices:              # each price the derivations use, as the pinned snapshot has it (checked), and its source
  - {item: nat_gateway_hours, region: us-east-1, usd: "0.045", source: "https://aws.amazon.com/vpc/pricing/"}
options: [--nat-per-vpc]          # extra `vpccost compare` options
designs:             # only the designs the case is about; a design added later breaks nothing here
  nat:
    total: "99.00"                # rounded half up to cents
    why: 2 NAT gateways × (730 h × $0.045 + 730 h × $0.005) = $73.00; ...
    line_items:
      - {usage: NatGateway-Hours, quantity: 1460, why: 2 gateways × 730 h}
every_design: [...]  # line-item checks that hold in each design under `designs`
service_access: [...]             # the service-access rows, in order
assumptions: [[AZ, traffic]]      # words that one assumption holds together
formats: [json, csv]              # csv: the totals and line items are checked in `--format csv` too
variants:            # the same inputs again, with other options and figures
  hours-365: {options: [--hours, "365"], designs: {...}}
```

Figures are exact: strings or integers, never YAML floats. Every figure carries a `why`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

from tests.conftest import SNAPSHOT, by_design, cents, design_total, run_cli
from vpccost.pricing.catalog import Catalog

Document = dict[str, Any]
"""A `compare --format json` document (or, for `--format csv`, its line items regrouped by design)."""


def _exact(value: object) -> Decimal:
    if isinstance(value, bool | float):
        raise ValueError(f"{value!r}: write a figure as a string or an integer (a YAML float is not exact)")
    return Decimal(str(value))


Figure = Annotated[Decimal, BeforeValidator(_exact)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tier(_Strict):
    to: Figure | None
    """The tier's upper bound [GB per month]; None for the last tier."""
    usd: Figure


class Price(_Strict):
    """A price a derivation uses, as the pinned snapshot has it."""

    item: str
    region: str
    to_region: str | None = None
    usd: Figure | None = None
    """A flat price."""
    tiers: tuple[Tier, ...] | None = None
    """A tiered price, lowest tier first."""
    verified: bool = True
    source: str
    """The public page or record the snapshot names as the price's source (a part of it)."""

    @model_validator(mode="after")
    def _one_price(self) -> Price:
        if (self.usd is None) == (self.tiers is None):
            raise ValueError(f"{self.item} in {self.region}: give usd or tiers")
        return self


class Items(_Strict):
    """Line items of one design, selected by usage type, unit and payer, and what they add up to."""

    usage: str | None = None
    """An AWS usage type, or what follows a '-' in one (`TransitGateway-Hours` selects `USE1-TransitGateway-Hours`);
    None selects every line item."""
    usage_contains: str | None = None
    unit: str | None = None
    payer: str | None = None
    cost: Figure | None = None
    """Their cost summed and rounded half up to cents [USD]."""
    quantity: Figure | None = None
    """Their quantity summed, exactly."""
    quantity_to_cent: Figure | None = None
    """Their quantity summed, rounded to two places (pro-rata quantities carry rounding in the 12th place)."""
    each_cost: Figure | None = None
    """What every selected line item costs, exactly [USD]."""
    count: int | None = None
    payers: frozenset[str] | None = None
    payer_count: int | None = None
    usage_types: frozenset[str] | None = None
    resource_vpcs: frozenset[str] | None = None
    """The VPCs the resources belong to (the part of `resource` before '/')."""
    why: str

    @model_validator(mode="after")
    def _checks_something(self) -> Items:
        checks = (self.cost, self.quantity, self.quantity_to_cent, self.each_cost, self.count, self.payers,
                  self.payer_count, self.usage_types, self.resource_vpcs)  # fmt: skip
        if all(check is None for check in checks):
            raise ValueError(f"line items {self.usage}: nothing to check")
        return self


class DesignFigures(_Strict):
    total: Figure | None = None
    """Rounded half up to cents [USD]; None when the design is not priced."""
    why: str
    priced: bool = True
    feasible: bool | None = None
    problems: tuple[str, ...] | None = None
    """The problems, exactly (usually none)."""
    problems_mention: tuple[str, ...] = ()
    """Patterns (regular expressions) each found in the problems."""
    missing_prices_mention: tuple[str, ...] = ()
    """Words each found among the problems and missing prices."""
    line_items: tuple[Items, ...] = ()

    @model_validator(mode="after")
    def _total_when_priced(self) -> DesignFigures:
        if self.priced != (self.total is not None):
            raise ValueError("a priced design states its total; an unpriced one none")
        return self


class AccessRow(_Strict):
    vpc_name: str | None = None
    service: str | None = None
    region: str | None = None
    gb: Figure | None = None
    nat_usd: Figure | None = None
    gateway_endpoint_usd: Figure | None = None
    interface_endpoint_usd: Figure | None = None
    nat_needed_for_other_traffic: bool | None = None
    cheapest: str | None = None
    why: str


class Run(_Strict):
    """One `vpccost compare` of a case's inputs and the figures it must give."""

    options: tuple[str, ...] = ()
    period_hours: Figure | None = None
    designs: dict[str, DesignFigures]
    every_design: tuple[Items, ...] = ()
    service_access: tuple[AccessRow, ...] | None = None
    assumptions: tuple[tuple[str, ...], ...] = ()
    recommendation_not_in: tuple[str, ...] = ()
    formats: tuple[Literal["json", "csv"], ...] = ("json",)
    """csv: the line items and totals are checked in `--format csv` too (a variant states its own)."""


class Case(Run):
    title: str
    inputs: str
    prices: tuple[Price, ...]
    variants: dict[str, Run] = {}

    def runs(self) -> dict[str, Run]:
        """The case's own run, then its variants, by name; a variant that states no formats takes the case's."""
        variants = {
            name: run if "formats" in run.model_fields_set else run.model_copy(update={"formats": self.formats})
            for name, run in self.variants.items()
        }
        return {"default": self, **variants}


def load_case(folder: Path) -> Case:
    return Case.model_validate(yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8")))


def case_folders(root: Path) -> list[Path]:
    return sorted(path.parent for path in root.glob("*/expected.yaml"))


# --- Running vpccost ----------------------------------------------------------------------------------------------


def compare_args(folder: Path, *options: str | Path) -> list[str | Path]:
    """`compare` of the folder's traffic (and topology, if it has one), priced with the pinned snapshot."""
    args: list[str | Path] = ["compare", folder / "traffic.csv"]
    if (folder / "topology.yaml").is_file():
        args += ["--topology", folder / "topology.yaml"]
    return [*args, "--pricing", SNAPSHOT, *options]


def compare(folder: Path, *options: str | Path, output: Literal["json", "csv"] = "json") -> Document:
    """Run `vpccost compare` on a case folder in-process; for csv, the rows regrouped as designs' line items."""
    result = run_cli(*compare_args(folder, *options), "--format", output)
    assert result.exit_code == 0, result.stderr
    if output == "json":
        document: Document = json.loads(result.stdout)
        return document
    designs: dict[str, Document] = {}
    for row in csv.DictReader(io.StringIO(result.stdout)):
        design = designs.setdefault(row["design"], {"design": row["design"], "priced": None, "line_items": []})
        design["priced"] = row["design_priced"] == "True"
        design["line_items"].append(row)
    for design in designs.values():
        design["total_usd"] = str(sum((Decimal(li["cost_usd"]) for li in design["line_items"]), Decimal(0)))
    return {"designs": list(designs.values())}


# --- Line items ---------------------------------------------------------------------------------------------------


def items(
    design: Document,
    usage: str | None = None,
    payer: str | None = None,
    *,
    usage_contains: str | None = None,
    unit: str | None = None,
) -> list[Document]:
    """Line items whose usage type is `usage` or ends with `-usage` (an exact AWS usage type or its suffix)."""
    return [
        li
        for li in design["line_items"]
        if (usage is None or li["usage_type"] == usage or li["usage_type"].endswith("-" + usage))
        and (usage_contains is None or usage_contains in li["usage_type"])
        and (unit is None or li["unit"] == unit)
        and (payer is None or li["payer_account"] == payer)
    ]


# --- Checking a document against a case --------------------------------------------------------------------------


def check_prices(prices: Iterable[Price], catalog: Catalog) -> None:
    """Each price a derivation uses is the pinned snapshot's, from the source it names."""
    for price in prices:
        entry = catalog.get(price.item, price.region, price.to_region)
        label = f"{price.item} in {price.region}" + (f" to {price.to_region}" if price.to_region else "")
        if price.usd is not None:
            assert [tier.price_usd for tier in entry.tiers] == [price.usd], label
        else:
            assert price.tiers is not None
            assert [(tier.end, tier.price_usd) for tier in entry.tiers] == [(t.to, t.usd) for t in price.tiers], label
        assert entry.verified is price.verified, label
        assert price.source in entry.source, (label, entry.source)


def check_run(document: Document, run: Run, *, output: Literal["json", "csv"] = "json") -> None:
    """Everything `run` states holds in `document`, for the designs it names; nothing else is asserted."""
    designs = by_design(document)
    for name, figures in run.designs.items():
        assert name in designs, f"no design {name} in {sorted(designs)}"
        check_design(designs[name], figures, output=output)
        for check in run.every_design:
            check_items(designs[name], check)
    if output == "csv":
        return
    if run.period_hours is not None:
        assert Decimal(str(document["period_hours"])) == run.period_hours
    if run.service_access is not None:
        check_service_access(document["service_access"], run.service_access)
    for words in run.assumptions:
        assert any(all(word in note for word in words) for note in document["assumptions"]), (
            words,
            document["assumptions"],
        )
    if run.recommendation_not_in:
        assert document["recommendation"]["design"] not in run.recommendation_not_in


def check_design(design: Document, figures: DesignFigures, *, output: Literal["json", "csv"] = "json") -> None:
    name = design["design"]
    if figures.total is None:
        assert design["priced"] is False, name
        assert design["total_usd"] is None, name
    else:
        assert design_total(design) == figures.total, name
    for check in figures.line_items:
        check_items(design, check)
    if output == "csv":
        return
    if figures.feasible is not None:
        assert design["feasible"] is figures.feasible, (name, design["problems"])
    if figures.problems is not None:
        assert tuple(design["problems"]) == figures.problems, name
    problems = " ".join(design["problems"])
    for pattern in figures.problems_mention:
        assert re.search(pattern, problems), (name, pattern, problems)
    named = json.dumps(design["problems"] + design.get("missing_prices", []))
    for word in figures.missing_prices_mention:
        assert word in named, (name, word, named)


def check_items(design: Document, check: Items) -> None:
    selected = items(design, check.usage, check.payer, usage_contains=check.usage_contains, unit=check.unit)
    label = (design["design"], check.usage, check.payer, check.why)
    if check.cost is not None:
        assert cents(sum((Decimal(li["cost_usd"]) for li in selected), Decimal(0))) == check.cost, label
    total_quantity = sum((Decimal(li["quantity"]) for li in selected), Decimal(0))
    if check.quantity is not None:
        assert total_quantity == check.quantity, label
    if check.quantity_to_cent is not None:
        assert cents(total_quantity) == check.quantity_to_cent, label
    if check.each_cost is not None:
        assert all(Decimal(li["cost_usd"]) == check.each_cost for li in selected), label
    if check.count is not None:
        assert len(selected) == check.count, label
    payers = {li["payer_account"] for li in selected}
    if check.payers is not None:
        assert payers == check.payers, label
    if check.payer_count is not None:
        assert len(payers) == check.payer_count, (label, payers)
    if check.usage_types is not None:
        assert {li["usage_type"] for li in selected} == check.usage_types, label
    if check.resource_vpcs is not None:
        assert {li["resource"].split("/")[0] for li in selected} == check.resource_vpcs, label


def check_service_access(rows: Sequence[Document], expected: Sequence[AccessRow]) -> None:
    """The service-access rows, in order; money compared in cents."""
    assert len(rows) == len(expected), rows
    for row, want in zip(rows, expected, strict=True):
        for field, value in want.model_dump(exclude={"why"}, exclude_none=True).items():
            got = row[field]
            if field.endswith("_usd"):
                assert cents(got) == value, (field, row, want.why)
            elif field == "gb":
                assert Decimal(got) == value, (field, row, want.why)
            else:
                assert got == value, (field, row, want.why)
