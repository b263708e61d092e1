"""Wiring of job seekers, employers and agencies: the pages an employer's or agency's own
account may open, and the seeker section on the person page."""


def ready() -> None:
    """Called from EmploymentConfig.ready()."""
    from skillaid.accounts.middleware import employer_pages_register
    from skillaid.accounts.sections import section_register
    from skillaid.evaluation.record import record_events_register

    from .record import record_events
    from .sections_seekers import person_seeker_section

    # An employer's or agency's own account: its home, its unit's page and the contact
    # details it may change, and the employment API (the selectors keep it to its own).
    employer_pages_register(
        "employment_employer",
        "employment_employer_edit",
        home="employment_home_employer",
        api_prefix="/api/employment/",
    )
    section_register("person_detail", person_seeker_section, order=140)
    # Referrals, confirmed statuses and jobs on the person's lifelong record.
    record_events_register(record_events)
