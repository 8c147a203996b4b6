"""The designs vpccost compares. Each module turns an estate's flows into metered usage (never prices)."""

from __future__ import annotations

from collections.abc import Callable

from vpccost.designs import nat, peering, privatelink, sharing, transit_gateway
from vpccost.estate import Estate
from vpccost.usage import DesignUsage, Options

DesignFunction = Callable[[Estate, Options], DesignUsage]

DESIGNS: dict[str, DesignFunction] = {
    nat.NAME: nat.usage,
    peering.NAME: peering.usage,
    transit_gateway.NAME: transit_gateway.usage,
    privatelink.NAME: privatelink.usage,
    sharing.NAME: sharing.usage,
}
"""Design name -> function from (estate, options) to its usage, in the order they are reported."""
