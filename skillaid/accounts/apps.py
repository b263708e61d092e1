from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "skillaid.accounts"
    verbose_name = "用户与审计"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from . import login_audit

        user_logged_in.connect(login_audit.logged_in, dispatch_uid="skillaid.audit.login")
        user_login_failed.connect(login_audit.login_failed, dispatch_uid="skillaid.audit.failed")
        user_locked_out.connect(login_audit.locked_out, dispatch_uid="skillaid.audit.lockout")
        user_logged_out.connect(login_audit.logged_out, dispatch_uid="skillaid.audit.logout")
