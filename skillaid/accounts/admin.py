from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django_otp.admin import OTPAdminSite

from .models import AuditEntry, User

# The admin site, like every page, needs a user who has passed the code step (django-otp).
admin.site.__class__ = OTPAdminSite


@admin.register(User)
class SkillAidUserAdmin(UserAdmin):
    """Users are read here, never changed: accounts are kept on the user pages (/users/),
    whose services log every change in the audit chain, keep segregation of duties,
    derive staff rights from the role and end the user's sessions and tokens. An edit
    here would do none of that (a clerk made superuser, a password that never expires)."""

    fieldsets = (
        (None, {"fields": ("username", "full_name", "phone", "email")}),
        ("SkillAid", {"fields": ("role", "region", "institution", "is_active")}),
        (
            "安全",
            {"fields": ("must_change_password", "password_changed_at", "last_login")},
        ),
    )
    list_display = ("username", "full_name", "role", "region", "is_active")
    list_filter = ("role", "is_active")

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "channel", "action", "object_type", "object_id")
    list_filter = ("channel", "action", "object_type")

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False
