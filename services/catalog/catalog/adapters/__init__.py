"""Catalog's adapters: database tables and repositories, clients of outside systems."""
