from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django_otp.admin import OTPAdminSite

from .history import object_label
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


class ObjectTypeFilter(admin.SimpleListFilter):
    """What entries are about, by the Chinese names the log's own pages use."""

    title = "对象"
    parameter_name = "object_type"

    def lookups(self, request, model_admin):  # noqa: ANN001, ANN201
        kinds = AuditEntry.objects.values_list("object_type", flat=True).distinct()
        return sorted(((k, object_label(k)) for k in kinds), key=lambda kv: kv[1])

    def queryset(self, request, queryset):  # noqa: ANN001, ANN201
        return queryset.filter(object_type=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "channel", "action", "what", "key")
    list_filter = ("channel", "action", ObjectTypeFilter)

    @admin.display(description="对象", ordering="object_type")
    def what(self, entry: AuditEntry) -> str:
        return entry.object_label

    @admin.display(description="对象编号", ordering="object_id")
    def key(self, entry: AuditEntry) -> str:
        return entry.object_id

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False
