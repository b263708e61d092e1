"""Thin forms of the matching pages; the services check what matters."""

from __future__ import annotations

from django import forms

from . import engine
from .models import ExchangeKey


def kind_choices() -> list[tuple[str, str]]:
    return [(k, v.label) for k, v in engine.KINDS.items()]


class SnapshotForm(forms.Form):
    kind = forms.ChoiceField(label="名单类型")
    source = forms.CharField(
        label="来源系统", max_length=128, help_text="如：广西防返贫监测信息平台"
    )
    as_of = forms.DateField(label="数据截止日期", help_text="如 2026-11-01")
    region = forms.CharField(
        label="覆盖地区代码", max_length=6, help_text="名单覆盖的地区，如 450000（广西）"
    )
    hashed = forms.BooleanField(
        label="身份证号为密文（按交换密钥计算的 HMAC-SHA256）", required=False
    )
    key = forms.ModelChoiceField(
        label="交换密钥", queryset=ExchangeKey.objects.none(), required=False
    )
    file = forms.FileField(label="名单文件（.csv / .xlsx / .xls）")

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()
        self.fields["key"].queryset = ExchangeKey.objects.filter(retired_at__isnull=True)
        for name in ("source", "as_of", "region"):
            self.fields[name].error_messages["required"] = f"请填写{self.fields[name].label}"
        self.fields["as_of"].error_messages["invalid"] = "日期格式应为 2026-11-01"
        self.fields["file"].error_messages["required"] = "请选择名单文件"


class DecideForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=500, required=False)


class ExchangeKeyForm(forms.Form):
    name = forms.CharField(label="密钥名称", max_length=64)
    partner = forms.CharField(label="交换对象", max_length=128, help_text="对方单位或系统")


class ExchangeExportForm(forms.Form):
    kind = forms.ChoiceField(label="名单类型（导出哪些人员）")

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()
