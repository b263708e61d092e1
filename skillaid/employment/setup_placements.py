"""Wiring of the employment services' part: placements and the agency service subsidy."""


def ready() -> None:
    """Called from EmploymentConfig.ready()."""
    from skillaid.accounts.middleware import employer_pages_register
    from skillaid.accounts.sections import section_register

    from . import sections_placements as sections

    # Employers' and agencies' accounts report and follow their own placements (the list
    # and the detail show only theirs); the API under /api/employment/ is theirs too.
    employer_pages_register(
        "employment_placements",
        "employment_placement_new",
        "employment_placement",
        "employment_placements_export",
        api_prefix="/api/employment/",
    )
    section_register("seeker_detail", sections.seeker_placements, order=120)
    section_register("employer_home", sections.employer_placements, order=120)
