"""The model every design reads: the estate (traffic resolved against the topology, as coded flows), the
settings of an estimate, and the metered usage designs produce."""
