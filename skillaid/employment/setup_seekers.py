"""Wiring of the employment services' part: Job seekers, their employment status, employers and agencies with their accounts."""


def ready() -> None:
    """Called from EmploymentConfig.ready()."""
