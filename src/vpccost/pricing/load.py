"""Loading prices: a bundled or given snapshot, with an overrides file applied."""

from __future__ import annotations

from pathlib import Path

from vpccost.pricing.catalog import Catalog
from vpccost.pricing.overrides import apply_overrides_file
from vpccost.pricing.snapshot import bundled_snapshot_dir, parsed_snapshot


def load_pricing(snapshot: str | Path | None = None, *, overrides: str | Path | None = None) -> Catalog:
    """Load a price snapshot (a `pricing/aws/<date>/` folder or its `prices.json`; the newest bundled one
    when None) and apply an overrides file (YAML or JSON) if given."""
    path = Path(snapshot) if snapshot is not None else bundled_snapshot_dir()
    if path.is_dir():
        path = path / "prices.json"
    parsed = parsed_snapshot(path.resolve(), path.stat().st_mtime_ns if path.is_file() else 0)
    catalog = Catalog(parsed, name=f"{parsed.provider}/{parsed.date}")
    return catalog if overrides is None else apply_overrides_file(catalog, overrides)
