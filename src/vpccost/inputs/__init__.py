"""Inputs: the topology, the traffic, and loading them (with prices and the period) for an analysis."""
