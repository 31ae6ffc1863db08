"""Catalog's domain model: rules only, no I/O."""
