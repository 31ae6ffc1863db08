"""Consult's domain model: rules only, no I/O."""
