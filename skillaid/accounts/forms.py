"""Forms of the account pages: password change, the code step, users kept by an administrator,
API tokens and the audit log's filters."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm

from .models import MAX_TOKEN_DAYS, Action, Role, TokenScope, User

# Functions that turn what a person typed as their username into an account's username, or
# None: `people` registers one that takes an ID number (a person's own account). Asked in
# order before the login is tried, so django-axes counts failures against the account.
LOGIN_NAMES: list[Callable[[str], str | None]] = []


def login_name_register(resolve: Callable[[str], str | None]) -> None:
    if all(fn is not resolve for fn in LOGIN_NAMES):
        LOGIN_NAMES.append(resolve)


class LoginForm(AuthenticationForm):
    def clean(self) -> dict:
        typed = self.cleaned_data.get("username") or ""
        for resolve in LOGIN_NAMES:
            username = resolve(typed)
            if username:
                self.cleaned_data["username"] = username
                break
        return super().clean()


class PasswordChangeForm(DjangoPasswordChangeForm):
    error_messages = {
        **DjangoPasswordChangeForm.error_messages,
        "password_incorrect": "旧密码不正确。",
        "password_mismatch": "两次输入的新密码不一致。",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "旧密码"
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password1"].help_text = "；".join(
            v.get_help_text() for v in password_validation.get_default_password_validators()
        )
        self.fields["new_password2"].label = "确认新密码"
        self.fields["new_password2"].help_text = ""

    def clean_new_password1(self) -> str:
        password = self.cleaned_data.get("new_password1", "")
        if password and password == self.data.get("old_password"):
            raise forms.ValidationError("新密码不能与旧密码相同。")
        return password


class CodeForm(forms.Form):
    code = forms.CharField(
        label="动态验证码或恢复码",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


class EnrolForm(forms.Form):
    code = forms.CharField(
        label="验证器应用显示的 6 位验证码",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class UserForm(forms.ModelForm):
    """Who a user is and what they may see; the password is never typed here."""

    class Meta:
        model = User
        fields = ["username", "full_name", "phone", "role", "region", "institution"]
        labels = {"username": "用户名", "region": "管辖区域（区划代码）"}
        help_texts = {
            "username": "登录用，字母、数字和 @.+-_",
            "phone": "与姓名一起识别同一工作人员的各个账号（用于岗位分离检查）",
            "region": "6 位区划代码，如 450124（马山县）；系统管理员可留空表示全国",
            "institution": "仅院校/培训机构管理员填写",
        }
        widgets = {"region": forms.TextInput(attrs={"placeholder": "450124"})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["phone"].required = True
        self.fields["region"].error_messages["invalid_choice"] = "没有这个区划代码。"
        if self.instance.pk:
            self.fields["username"].disabled = True

    def clean(self) -> dict:
        data = super().clean()
        role = data.get("role")
        was_person = bool(self.instance.pk) and self.instance.role == Role.PERSON
        # A person's own account is tied to their person (people.PersonAccount): it is opened
        # from the person page, the roster or with a code, and never turned into staff.
        if role == Role.PERSON and not was_person:
            self.add_error(
                "role",
                "本人账户由经办人员在人员页面或花名册开通，或由本人凭开通码开通，不能在此新建。",
            )
        elif was_person and role != Role.PERSON:
            self.add_error("role", "本人账户不能改为工作人员角色。")
        elif role in (Role.EMPLOYER, Role.AGENCY) and self.instance.role != role:
            self.add_error(
                "role",
                "用人单位和人力资源服务机构的账户由县（区）人社部门在该单位的页面开通，不能在此新建。",
            )
        elif (
            self.instance.pk
            and self.instance.role in (Role.EMPLOYER, Role.AGENCY)
            and role != self.instance.role
        ):
            self.add_error("role", "用人单位和人力资源服务机构的账户不能改为其他角色。")
        elif (
            role
            and role not in (Role.ADMIN, Role.PERSON, Role.EMPLOYER, Role.AGENCY)
            and not data.get("region")
        ):
            self.add_error(
                "region",
                # An inspector's region is the pool they are drawn from (reports.inspections).
                "检查人员须填写所在检查人员名录的区划（县、市或自治区），抽查时从该名录抽取。"
                if role == Role.INSPECTOR
                else "除系统管理员外，每个账号都须有管辖区域。",
            )
        if role == Role.SCHOOL_OFFICER and not data.get("institution"):
            self.add_error("institution", "院校/培训机构管理员须选择所属院校或机构。")
        if role != Role.SCHOOL_OFFICER and data.get("institution"):
            self.add_error("institution", "只有院校/培训机构管理员属于某个院校或机构。")
        return data


class TokenForm(forms.Form):
    name = forms.CharField(label="用途", max_length=64, help_text="例如“马山县考勤终端 1 号”")
    scope = forms.ChoiceField(
        label="权限范围",
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text="只读：只能查询；读写：可办理您有权办理的一切；考勤终端：只能签到签退和读取课次",
    )
    days = forms.IntegerField(label="有效天数", min_value=1, max_value=MAX_TOKEN_DAYS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = settings.SKILLAID_TOKEN_DAYS


class AuditFilterForm(forms.Form):
    user = forms.CharField(label="操作人（用户名或姓名）", required=False, max_length=150)
    action = forms.ChoiceField(
        label="操作", required=False, choices=[("", "全部"), *Action.choices]
    )
    since = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "截止日期不能早于起始日期")
        return data
