"""vpccost: what AWS inter-VPC network traffic costs under VPC peering, Transit Gateway, PrivateLink,
NAT/internet and VPC sharing, and which design is cheapest.

    >>> import vpccost
    >>> result = vpccost.compare("examples/multi-account/traffic.csv", "examples/multi-account/topology.yaml")
    >>> result.cheapest.design  # doctest: +SKIP
"""

from __future__ import annotations

from vpccost._version import __version__
from vpccost.breakeven import breakeven
from vpccost.compare import compare
from vpccost.errors import InputError, MissingPriceError, VpccostError
from vpccost.flowlogs import FlowLogAggregate, aggregate_flowlogs
from vpccost.forecasting import forecast
from vpccost.inputs.topology import Topology, load_topology
from vpccost.inputs.traffic import Traffic, load_traffic
from vpccost.optimizer import optimize
from vpccost.pricing.catalog import Catalog
from vpccost.pricing.load import load_pricing
from vpccost.results import BreakEven, Comparison, DesignResult, Forecast, LineItem, Optimization

__all__ = [
    "BreakEven",
    "Catalog",
    "Comparison",
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
    "forecast",
    "load_pricing",
    "load_topology",
    "load_traffic",
    "optimize",
]
