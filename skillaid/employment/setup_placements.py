"""Wiring of the employment services' part: Placements, the agency service subsidy and the funnel."""


def ready() -> None:
    """Called from EmploymentConfig.ready()."""
