"""The ops app: on start, the third-party apps' names in the interface's languages (see
skillaid.ops.thirdparty)."""

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "skillaid.ops"
    verbose_name = "运维"

    def ready(self) -> None:
        from django.contrib import admin
        from django.utils.translation import gettext_lazy as _

        from .thirdparty import mark_axes_admin, mark_otp, mark_task_admin

        admin.site.site_header = _("SkillAid administration")
        admin.site.site_title = _("SkillAid administration")
        mark_axes_admin()
        mark_otp()
        mark_task_admin()
