"""Loading what every analysis starts from: the estate (traffic resolved against the topology), the prices,
and the period. `compare`, `forecast`, `optimize` and `breakeven` all load through here, so each accepts the
same kinds of input and checks them the same way."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pandas as pd

from vpccost.errors import InputError
from vpccost.inputs.period import RECORDED_BY
from vpccost.inputs.topology import Topology, load_topology
from vpccost.inputs.traffic import Traffic, load_traffic
from vpccost.model.estate import Estate, build_estate
from vpccost.pricing.catalog import Catalog
from vpccost.pricing.load import load_pricing
from vpccost.pricing.overrides import apply_overrides_file
from vpccost.units import HOURS_PER_MONTH, format_decimal

TrafficInput = Traffic | pd.DataFrame | str | Path
TopologyInput = Topology | str | Path | None
PricingInput = Catalog | str | Path | None


def topology_from(topology: TopologyInput) -> Topology | None:
    """A topology given as a file path is read and validated; a `Topology` is used as it is."""
    if not isinstance(topology, str | Path):
        return topology
    with collector_paused():
        return load_topology(topology)


def load_estate(traffic: TrafficInput, topology: TopologyInput = None, *, sheet: str | None = None) -> Estate:
    """The traffic (a file, a DataFrame or a `Traffic`; `sheet` names an Excel file's sheet) resolved against the
    topology (a file or a `Topology`)."""
    with collector_paused():
        loaded_topology = topology_from(topology)
        loaded_traffic = traffic if isinstance(traffic, Traffic) else load_traffic(traffic, sheet=sheet)
        return build_estate(loaded_traffic, loaded_topology)


def catalog_from(pricing: PricingInput, overrides: str | Path | None) -> Catalog:
    """The prices: a `Catalog`, a snapshot folder or file, or the newest bundled snapshot; overrides applied."""
    if isinstance(pricing, Catalog):
        return pricing if overrides is None else apply_overrides_file(pricing, overrides)
    return load_pricing(pricing, overrides=overrides)


Hours = Decimal | int | str | None
"""The period asked for [h]; None when not given: the traffic's recorded period, else a month."""


def period_hours_for(traffic: Traffic, hours: Hours = None, *, months_only: str | None = None) -> Decimal:
    """The period an estimate of `traffic` covers [h], resolved in this one place for every analysis: `hours`
    when given, else the period the traffic file records (`flowlogs aggregate` writes it), else 730 (a month).

    `hours` that disagree with a recorded period are refused: the file's volumes cover the recorded hours, and
    pricing them as another period would be silently wrong. `months_only` names an analysis that prices only
    730-hour months (a forecast), for the message."""
    recorded = traffic.period
    if hours is None:
        return HOURS_PER_MONTH if recorded is None else recorded.hours
    value = period_hours_from(hours)
    if recorded is None or recorded.hours == value:
        return value
    covered = format_decimal(recorded.hours)
    monthly = "aggregate the flow logs with --monthly to scale them to a 730-hour month"
    if months_only is not None:
        conflict, ways_out = months_only, monthly
    else:
        conflict = f"--hours is {format_decimal(value)}"
        ways_out = f"give --hours {covered} (or leave --hours out) to price those {covered} hours, or {monthly}"
    raise InputError(
        f"the traffic covers {covered} hours (recorded by {RECORDED_BY}), but {conflict}: {ways_out}",
        source=traffic.source,
        line=recorded.line,
        field="hours",
    )


def period_assumption(period_hours: Decimal, traffic: Traffic) -> str:
    """The period, as the first assumption of an estimate: where it comes from when the traffic records it."""
    recorded = traffic.period
    origin = ""
    if recorded is not None and recorded.hours == period_hours:
        origin = f", recorded by {RECORDED_BY} in {traffic.source}"
        if recorded.scaled_from_hours is not None:
            origin += f" (volumes scaled from {format_decimal(recorded.scaled_from_hours)} hours observed)"
    return (
        f"Period: {format_decimal(period_hours)} hours{origin} (730 = one month); monthly tier bounds scale by "
        "hours/730."
    )


MAX_PERIOD_HOURS = Decimal(876_000)
"""The longest period an estimate may cover [h]: a hundred years of 8,760 hours."""


def period_hours_from(hours: Decimal | int | str) -> Decimal:
    """The period an estimate covers [h], checked: a positive, finite number."""
    try:
        value = Decimal(str(hours))
    except ArithmeticError:
        raise InputError(f"'{hours}' is not a number of hours", field="hours") from None
    if not value.is_finite() or value <= 0:
        raise InputError(f"the period must be a positive number of hours, not '{hours}'", field="hours")
    if value > MAX_PERIOD_HOURS:
        raise InputError(
            f"a period of {hours} hours is more than {MAX_PERIOD_HOURS:,} (a century): give the hours of one period",
            field="hours",
        )
    return value


@contextmanager
def collector_paused() -> Iterator[None]:
    """Reading a large estate and pricing it build hundreds of thousands of small records (parsed topology
    entries, meters, line items) that hold no reference cycles: the cyclic garbage collector has nothing to
    find in them but would scan them again and again (a quarter of the time on large estates). It is paused
    for those bursts and restored after; any cycle made meanwhile is collected at its next run."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
