"""Catalog: Products, variants, prices, stock and reservations, and bilingual search on Elasticsearch."""
