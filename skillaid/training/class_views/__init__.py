"""Pages of training classes, one module per idea; the views are re-exported here for urls.py."""

from .common import class_act
from .completion import class_close, class_completion
from .pages import (
    class_create,
    class_declare,
    class_detail,
    class_edit,
    class_export,
    class_list,
    class_review,
)
from .papers import class_paper
from .roster import roster_add, roster_remove
from .sessions import (
    session_flag_settle,
    session_live,
    session_mark,
    session_projector,
    session_run,
)
from .sign import DEVICE_COOKIE, sign

__all__ = [
    "DEVICE_COOKIE",
    "class_act",
    "class_close",
    "class_completion",
    "class_create",
    "class_declare",
    "class_detail",
    "class_edit",
    "class_export",
    "class_list",
    "class_paper",
    "class_review",
    "roster_add",
    "roster_remove",
    "session_flag_settle",
    "session_live",
    "session_mark",
    "session_projector",
    "session_run",
    "sign",
]
