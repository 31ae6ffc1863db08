"""Consult's handlers (plain functions) and unit of work."""
