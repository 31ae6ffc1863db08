"""Vitrine's own library, imported by every service and by nothing else's code."""
