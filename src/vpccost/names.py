"""Names and defaults the command line declares its options with, spelled here so that declaring them imports
nothing heavy: `vpccost --help` lists the designs and `--allow` tokens without loading pandas or the solver.

The modules that define them (`vpccost.designs`, `vpccost.optimizer`) are the source of truth; a test checks these
match them.
"""

from __future__ import annotations

PURE_DESIGNS = ("nat", "peering", "transit-gateway", "privatelink", "sharing")
"""`vpccost.designs.DESIGNS`, in the order they are reported."""
AS_IS = "as-is"
"""`vpccost.designs.AS_IS`: the design a topology's existing connectivity amounts to."""
ALLOW_TOKENS = ("peering", "transit-gateway", "privatelink", "sharing", "nat", "endpoints")
"""`vpccost.optimizer.ALLOW_TOKENS`: the options `optimize --allow` takes."""
PEERING_QUOTA_DEFAULT = 50
"""`vpccost.optimizer.PEERING_QUOTA_DEFAULT`: active peering connections allowed per VPC by default."""
