"""The designs vpccost compares. Each module turns an estate's flows into metered usage (never prices)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from vpccost.designs import nat, peering, privatelink, sharing, transit_gateway
from vpccost.model.estate import Estate
from vpccost.model.usage import DesignUsage, Settings
from vpccost.units import exact_arithmetic

DesignFunction = Callable[[Estate, Settings], DesignUsage]


def _exact(design: DesignFunction) -> DesignFunction:
    """Run a design with exact decimal arithmetic: a quantity that cannot be exact raises, never rounds."""

    @functools.wraps(design)
    def run(estate: Estate, options: Settings) -> DesignUsage:
        with exact_arithmetic():
            return design(estate, options)

    return run


DESIGNS: dict[str, DesignFunction] = {
    nat.NAME: _exact(nat.usage),
    peering.NAME: _exact(peering.usage),
    transit_gateway.NAME: _exact(transit_gateway.usage),
    privatelink.NAME: _exact(privatelink.usage),
    sharing.NAME: _exact(sharing.usage),
}
"""Design name -> function from (estate, options) to its usage, in the order they are reported."""
