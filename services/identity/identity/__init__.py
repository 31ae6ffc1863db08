"""Identity: staff accounts and the tokens every other service verifies."""
