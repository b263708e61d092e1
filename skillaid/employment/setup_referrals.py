"""Wiring of the employment services' part: Suggestions ranked by fit, referrals and their outcomes, the three-referral rule."""


def ready() -> None:
    """Called from EmploymentConfig.ready()."""
