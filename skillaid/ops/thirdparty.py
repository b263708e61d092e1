"""The third-party apps in the interface's languages.

axes, django-tasks-db and django-otp come without Simplified Chinese. What they mark for
translation is translated in skillaid/locale; what they do not (django-otp's model and
field names, the apps' own names) is marked here with the same English words, so the
admin shows it in the user's language while the models' migration state is unchanged
(a lazy string equals its English text when migrations are made).
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as OTPStaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as OTPTOTPConfig
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Login protection")


class TasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")


class TOTPConfig(OTPTOTPConfig):
    verbose_name = _("Authenticator app codes")


class StaticConfig(OTPStaticConfig):
    verbose_name = _("Backup codes")


def _lazy(text: object) -> object:
    return _(str(text)) if text else text


def mark_otp() -> None:
    from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice, StaticToken):
        meta = model._meta
        meta.verbose_name = _lazy(meta.verbose_name)
        meta.verbose_name_plural = _lazy(meta.verbose_name_plural)
        for field in meta.fields:
            field.verbose_name = _lazy(field.verbose_name)
            field.help_text = _lazy(field.help_text)
    for model_admin in (TOTPDeviceAdmin, StaticDeviceAdmin):
        model_admin.search_help_text = _("Search by user's username")
        model_admin.get_fieldsets = _translated_fieldsets(model_admin.get_fieldsets)
    TOTPDeviceAdmin.qrcode_link.short_description = _("QR Code")


def _translated_fieldsets(get_fieldsets):  # noqa: ANN001, ANN202
    """The admin's get_fieldsets, with the sections' English titles marked for translation."""

    def translated(self, request, obj=None):  # noqa: ANN001, ANN202
        return [(_lazy(title), options) for title, options in get_fieldsets(self, request, obj)]

    return translated


def mark_task_admin() -> None:
    from django.utils.translation import gettext
    from django_tasks_db.admin import DBTaskResultAdmin
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.__str__ = lambda self: gettext("Task result %(id)s") % {"id": self.pk}
    DBTaskResult._meta.get_field("id").verbose_name = _("ID")
    DBTaskResult.task_name.fget.short_description = _("task name")
    DBTaskResultAdmin.formatted_traceback.short_description = _("traceback")
    DBTaskResultAdmin.display_run_after.short_description = _("run after")


def mark_axes_admin() -> None:
    from axes.admin import AccessAttemptAdmin
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.utils.translation import gettext

    # The rows' own names (a record's page title), in English in axes.
    AccessAttempt.__str__ = lambda self: (
        gettext("Attempted access: %(at)s") % {"at": self.attempt_time}
    )
    AccessFailureLog.__str__ = lambda self: (
        gettext("Failed access: user %(user)s on %(at)s from %(ip)s")
        % {"user": self.username, "at": self.attempt_time, "ip": self.ip_address}
    )
    AccessLog.__str__ = lambda self: (
        gettext("Access log for %(user)s @ %(at)s")
        % {
            "user": self.username,
            "at": self.attempt_time,
        }
    )
    AccessAttemptAdmin.status.short_description = _("Status")
    AccessAttemptAdmin.expiration.short_description = _("Expiration")
