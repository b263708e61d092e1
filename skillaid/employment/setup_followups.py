"""Wiring of the follow-ups part: the receivers that open follow-ups (a class closing, a
graduation without a job, a referral) and the follow-ups section of the seeker page."""


def ready() -> None:
    """Called from EmploymentConfig.ready()."""
    from skillaid.accounts.sections import section_register
    from skillaid.students.signals import graduated
    from skillaid.training.signals import class_closed

    from . import followups_causes as causes
    from .sections_followups import seeker_followups_section
    from .signals import referral_recorded

    class_closed.connect(causes.on_class_closed, dispatch_uid="employment.followups.class_closed")
    graduated.connect(causes.on_graduated, dispatch_uid="employment.followups.graduated")
    referral_recorded.connect(
        causes.on_referral_recorded, dispatch_uid="employment.followups.referral_recorded"
    )
    section_register("seeker_detail", seeker_followups_section, order=110)
