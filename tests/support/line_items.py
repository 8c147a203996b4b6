"""A design's line items picked by the end of their AWS usage type (`NatGateway-Hours`, `USE1-USW2-AWS-Out-Bytes`)."""

from __future__ import annotations

from decimal import Decimal

from vpccost.results import DesignResult, LineItem


def items(result: DesignResult, usage_type_suffix: str) -> list[LineItem]:
    return [item for item in result.line_items if item.usage_type.endswith(usage_type_suffix)]


def cost(result: DesignResult, usage_type_suffix: str) -> Decimal:
    return sum((item.cost_usd for item in items(result, usage_type_suffix)), Decimal(0))
