"""Every change to a training class: declaration, review, roster, completion and closing.

Pages, the API and commands call these functions alike; each refuses a move its
caller may not make, or that the class's state does not allow, with a message
in Chinese. One module per idea; the names are re-exported here, so callers write
`classes.class_declare(...)`.
"""

from .completion import (
    attendance_counts,
    certify_refusal,
    class_close,
    close_refusal,
    completion_refusal,
    enrolment_complete,
    rate,
    sessions_attended,
)
from .eligibility import MAX_AGE, MIN_AGE, RosterSummary, eligibility, flags, roster_summary
from .lifecycle import (
    CLASS_FIELDS,
    class_declare,
    class_log,
    class_save,
    declaration_check,
    declaration_warnings,
    entry_for,
    hours_shortfall,
    timetable_hours,
    timetable_text,
)
from .officers import is_officer_of
from .review import CLASS_REVIEW, Decision, class_review
from .roster import roster_add, roster_open, roster_remove

__all__ = [
    "MAX_AGE",
    "MIN_AGE",
    "RosterSummary",
    "flags",
    "roster_summary",
    "CLASS_FIELDS",
    "CLASS_REVIEW",
    "Decision",
    "attendance_counts",
    "certify_refusal",
    "class_close",
    "close_refusal",
    "completion_refusal",
    "class_declare",
    "class_log",
    "class_review",
    "class_save",
    "declaration_check",
    "declaration_warnings",
    "eligibility",
    "hours_shortfall",
    "enrolment_complete",
    "entry_for",
    "is_officer_of",
    "rate",
    "roster_add",
    "roster_open",
    "roster_remove",
    "sessions_attended",
    "timetable_hours",
    "timetable_text",
]
