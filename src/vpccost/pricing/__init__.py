"""Pricing: the item registry, price snapshots and overrides, tiers, the catalog lookup, and the engine that
turns metered usage into priced line items. Nothing here knows about designs."""
