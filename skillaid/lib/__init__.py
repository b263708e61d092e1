"""Plain helpers that know nothing of Django."""
