"""Who is calling: staff tokens signed by identity, shopper capability tokens, password hashes."""
