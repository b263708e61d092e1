"""Wiring of the employment services' part: Follow-ups: the three-month clock, the work list, and what creates them."""


def ready() -> None:
    """Called from EmploymentConfig.ready()."""
