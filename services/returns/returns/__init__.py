"""Returns: Return requests, inspection, hygiene quarantine and sanitization, certificates, refunds, the ops board."""
