from django import forms
from django.conf import settings

from .models import MAX_TOKEN_DAYS, TokenScope


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
