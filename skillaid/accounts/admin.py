from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django_otp.admin import OTPAdminSite

from .models import AuditEntry, User

# The admin site, like every page, needs a user who has passed the code step (django-otp).
admin.site.__class__ = OTPAdminSite


class SegregationMixin:
    """The admin site keeps segregation of duties as the user pages do."""

    def _post_clean(self) -> None:
        super()._post_clean()
        from .users import check_segregation

        if self.instance.is_active:
            try:
                check_segregation(self.instance)
            except ValidationError as error:
                self.add_error(None, error.message_dict["role"])


class SkillAidUserCreationForm(SegregationMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User


class SkillAidUserChangeForm(SegregationMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class SkillAidUserAdmin(UserAdmin):
    form = SkillAidUserChangeForm
    add_form = SkillAidUserCreationForm
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

    def save_model(self, request, obj, form, change) -> None:  # noqa: ANN001
        # An account an administrator creates, or whose password they set here, starts
        # with a password someone else knows: the user changes it at the next login.
        if not change or ("password" in form.changed_data and obj.pk != request.user.pk):
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):  # noqa: ANN001, A002
        response = super().user_change_password(request, id, form_url)
        if (
            request.method == "POST"
            and response.status_code == 302
            and str(request.user.pk) != str(id)
        ):
            User.objects.filter(pk=id).update(must_change_password=True)
        return response

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
