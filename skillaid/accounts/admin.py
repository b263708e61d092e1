from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django_otp.admin import OTPAdminSite

from .models import AuditEntry, User

# The admin site, like every page, needs a user who has passed the code step (django-otp).
admin.site.__class__ = OTPAdminSite


@admin.register(User)
class SkillAidUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        (
            "SkillAid",
            {
                "fields": (
                    "full_name",
                    "phone",
                    "role",
                    "region",
                    "institution",
                    "must_change_password",
                    "password_changed_at",
                )
            },
        ),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        ("SkillAid", {"fields": ("full_name", "phone", "role", "region", "institution")}),
    )
    list_display = ("username", "full_name", "role", "region", "is_active")
    list_filter = ("role", "is_active")
    raw_id_fields = ("region",)


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
