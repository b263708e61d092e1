import sys

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "skillaid.accounts"
    verbose_name = "用户与审计"

    def ready(self) -> None:
        # `skillaid setup` (and a bare migrate) proves the ID key right after migrating:
        # it makes the key of a new database, adopts the key of an old one, or refuses.
        post_migrate.connect(_id_key_after_migrate, sender=self)
        from django.contrib.auth.signals import user_logged_in

        from .middleware import start_session

        user_logged_in.connect(start_session, dispatch_uid="skillaid_start_session")
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from . import login_audit

        user_logged_in.connect(login_audit.logged_in, dispatch_uid="skillaid.audit.login")
        user_login_failed.connect(login_audit.login_failed, dispatch_uid="skillaid.audit.failed")
        user_locked_out.connect(login_audit.locked_out, dispatch_uid="skillaid.audit.lockout")
        user_logged_out.connect(login_audit.logged_out, dispatch_uid="skillaid.audit.logout")
        from django.core import checks

        from .papers import check_chinese_font
        from .sms import check_sms_backend

        checks.register(check_chinese_font)
        checks.register(check_sms_backend)
        # The user's own jobs finished this week, on their desk.
        from .desk import todo_register
        from .job_todos import job_todos

        todo_register(job_todos, order=90)


def _id_key_after_migrate(sender, using: str = "default", **kwargs) -> None:  # noqa: ANN001
    from django.apps import apps
    from django.db import connections

    from . import keys

    tables = set(connections[using].introspection.table_names())
    needed = {apps.get_model("accounts.IdKey")._meta.db_table}
    needed |= {apps.get_model(c.model)._meta.db_table for c in keys.SEALED}
    if using != "default" or not needed <= tables:
        return  # migrated only part of the way: checked when the rest is there
    keys.id_key_ready()
    for note in keys.notes:
        sys.stderr.write(note + "\n")
