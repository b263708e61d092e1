"""Wiring of the employment services' part: Postings (with their import), fairs, suggestions and referrals."""


def ready() -> None:
    """Called from EmploymentConfig.ready()."""
