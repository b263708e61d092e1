"""Wiring of the employment services' part: suggestions ranked by fit, referrals and their
outcomes, the three-referral rule."""

from skillaid.accounts.middleware import employer_pages_register
from skillaid.accounts.sections import section_register

from .sections_referrals import employer_referrals_section, seeker_referrals_section


def ready() -> None:
    """Called from EmploymentConfig.ready()."""
    # An employer's or agency's own account answers the referrals made to it.
    employer_pages_register("employment_referrals", "employment_referral")
    section_register("seeker_detail", seeker_referrals_section, order=100)
    section_register("employer_home", employer_referrals_section, order=110)
