from django import forms
from django.conf import settings

from .models import MAX_TOKEN_DAYS, Action, TokenScope


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
