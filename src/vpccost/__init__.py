"""vpccost: what AWS inter-VPC network traffic costs under VPC peering, Transit Gateway, PrivateLink,
NAT/internet and VPC sharing, and which design is cheapest.

    >>> import vpccost
    >>> result = vpccost.compare("examples/multi-account/traffic.csv", "examples/multi-account/topology.yaml")
    >>> result.cheapest.design  # doctest: +SKIP

The public names below are imported when first used, so `import vpccost` stays light: the solver (HiGHS),
DuckDB, plotly and boto3 load only when something that needs them runs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from vpccost._version import __version__

if TYPE_CHECKING:
    from vpccost.analyses.breakeven import breakeven
    from vpccost.analyses.compare import compare
    from vpccost.analyses.forecast import forecast
    from vpccost.errors import InputError, MissingPriceError, VpccostError
    from vpccost.flowlogs import FlowLogAggregate, aggregate_flowlogs
    from vpccost.inputs.topology import Topology, load_topology
    from vpccost.inputs.traffic import Traffic, load_traffic
    from vpccost.optimizer import optimize
    from vpccost.pricing.catalog import Catalog
    from vpccost.pricing.coverage import Coverage, coverage
    from vpccost.pricing.load import load_pricing
    from vpccost.results import BreakEven, Comparison, DesignResult, Forecast, LineItem, Optimization

_PUBLIC: dict[str, str] = {
    "BreakEven": "vpccost.results",
    "Catalog": "vpccost.pricing.catalog",
    "Coverage": "vpccost.pricing.coverage",
    "Comparison": "vpccost.results",
    "DesignResult": "vpccost.results",
    "FlowLogAggregate": "vpccost.flowlogs",
    "Forecast": "vpccost.results",
    "InputError": "vpccost.errors",
    "LineItem": "vpccost.results",
    "MissingPriceError": "vpccost.errors",
    "Optimization": "vpccost.results",
    "Topology": "vpccost.inputs.topology",
    "Traffic": "vpccost.inputs.traffic",
    "VpccostError": "vpccost.errors",
    "aggregate_flowlogs": "vpccost.flowlogs",
    "breakeven": "vpccost.analyses.breakeven",
    "compare": "vpccost.analyses.compare",
    "coverage": "vpccost.pricing.coverage",
    "forecast": "vpccost.analyses.forecast",
    "load_pricing": "vpccost.pricing.load",
    "load_topology": "vpccost.inputs.topology",
    "load_traffic": "vpccost.inputs.traffic",
    "optimize": "vpccost.optimizer",
}
"""Each public name, and the module that defines it."""

__all__ = [
    "BreakEven",
    "Catalog",
    "Comparison",
    "Coverage",
    "DesignResult",
    "FlowLogAggregate",
    "Forecast",
    "InputError",
    "LineItem",
    "MissingPriceError",
    "Optimization",
    "Topology",
    "Traffic",
    "VpccostError",
    "__version__",
    "aggregate_flowlogs",
    "breakeven",
    "compare",
    "coverage",
    "forecast",
    "load_pricing",
    "load_topology",
    "load_traffic",
    "optimize",
]


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'vpccost' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
