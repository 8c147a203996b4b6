"""Results written by hand: line items, design results and a comparison of them, for the layers that read results
(ranking, outputs) without pricing anything."""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import vpc
from tests.support.catalogs import catalog
from tests.support.estates import estate
from vpccost.model.usage import Settings
from vpccost.results import Comparison, DesignResult, LineItem


def line(
    design: str, cost: str, *, resource: str = "r", component: str = "c", label: str | None = None, payer: str = "1"
) -> LineItem:
    """A line of one NAT gateway-hour at `cost`, in us-east-1, paid by account `payer` (1)."""
    return LineItem(design, component, "AmazonEC2", "NatGateway-Hours", "us-east-1", resource, payer, Decimal(1), "Hrs",
                    Decimal(cost), Decimal(cost), True, "nat_gateway_hours", None, component, None, resource, "vpc",
                    label)  # fmt: skip


def result(design: str, *costs: str, problems: tuple[str, ...] = (), missing: tuple[str, ...] = ()) -> DesignResult:
    """A design with one line per cost."""
    return DesignResult(design, [line(design, cost) for cost in costs], list(problems), [], [], list(missing))


def comparison(
    *designs: DesignResult,
    hours: str = "730",
    assumptions: tuple[str, ...] = (),
    accounts: list[dict[str, str]] | None = None,
    split_by: str | None = None,
) -> Comparison:
    """The designs compared for a one-VPC estate (the topology naming `accounts`), with an empty catalog named
    `hand`; `split_by` names the label the line items' labels are values of."""
    resolved = estate([vpc("a")], [{"src": "a", "dst": "internet", "gb": "1"}], accounts=accounts)
    settings = Settings(period_hours=Decimal(hours), split_by=split_by)
    return Comparison(catalog([]), settings, resolved, list(designs), [], list(assumptions), [])
