from django import forms

from skillaid.regions.models import ResettlementSite

from .models import Category, MonitoringKind

YES_NO = [("", "—"), ("是", "是"), ("否", "否")]


class PersonForm(forms.Form):
    """Raw input for person_create/person_update; the services do the checking."""

    id_number = forms.CharField(label="身份证号", max_length=40, required=False)
    name = forms.CharField(label="姓名", max_length=64)
    county = forms.ChoiceField(label="所属县（区）")
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    ethnicity = forms.CharField(label="民族", max_length=16, required=False)
    education = forms.CharField(label="文化程度", max_length=16, required=False)
    township = forms.CharField(label="乡镇（街道）", max_length=64, required=False)
    village = forms.CharField(label="村（社区）", max_length=64, required=False)
    resettlement_site = forms.ChoiceField(label="安置区", required=False)
    relation = forms.CharField(label="与户主关系", max_length=16, required=False)
    household_number = forms.CharField(label="户编号", max_length=64, required=False)
    category = forms.ChoiceField(
        label="家庭类别", required=False, choices=[("", "—"), *Category.choices]
    )
    monitoring_kind = forms.ChoiceField(
        label="监测类型", required=False, choices=[("", "—"), *MonitoringKind.choices]
    )
    category_on = forms.DateField(
        label="类别变更日期（留空为今天）",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    category_note = forms.CharField(
        label="类别变更原因",
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "如：风险消除，解除监测"}),
    )
    wants_training = forms.BooleanField(label="有培训意愿", required=False)
    training_occupations = forms.CharField(label="意向工种", max_length=255, required=False)
    wants_school = forms.BooleanField(label="有就读技工院校意愿（两后生）", required=False)
    wants_job = forms.BooleanField(label="有就业意愿", required=False)
    surveyed_on = forms.DateField(
        label="调查日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, counties, creating: bool, **kwargs) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [(c.code, c.name) for c in counties]
        self.fields["resettlement_site"].choices = [("", "—")] + [
            (str(s.pk), s.name)
            for s in ResettlementSite.objects.filter(county__in=[c.code for c in counties])
        ]
        if creating:
            self.fields["id_number"].required = True
            # A new household's category starts on the day it is registered.
            del self.fields["category_on"]
            del self.fields["category_note"]
        else:
            del self.fields["id_number"]
            del self.fields["household_number"]


class ImportForm(forms.Form):
    file = forms.FileField(label="台账文件（.xlsx / .xls / .csv）")
    county = forms.ChoiceField(label="所属县（区）", required=False)
    dry_run = forms.BooleanField(label="只检查不入库（试导入）", required=False)

    def __init__(self, *args, counties, **kwargs) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", "按表中“所属县”列或身份证号判断")] + [
            (c.code, c.name) for c in counties
        ]


class OpenAccountForm(forms.Form):
    """开通本人账户: who the person is, the code they were given, and their new password."""

    id_number = forms.CharField(
        label="身份证号",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
        error_messages={"required": "请填写身份证号"},
    )
    name = forms.CharField(label="姓名", max_length=64, error_messages={"required": "请填写姓名"})
    code = forms.CharField(
        label="开通码",
        max_length=20,
        help_text="8 位字母和数字，由培训机构或人社部门发给您",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}
        ),
        error_messages={"required": "请填写开通码"},
    )
    password = forms.CharField(
        label="设置密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "请设置密码"},
    )
    password2 = forms.CharField(
        label="再次输入密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "请再次输入密码"},
    )

    def __init__(self, *args, **kwargs) -> None:
        from django.contrib.auth import password_validation

        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = (
            "；".join(
                v.get_help_text() for v in password_validation.get_default_password_validators()
            )
            + "；不能包含身份证号、出生日期或身份证号后六位"
        )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", "两次输入的密码不一致")
        return data


class FactCheckForm(forms.Form):
    """A county clerk's check of a person's papers for one basis (people.facts)."""

    kind = forms.ChoiceField(label="核实事项", choices=[("", "—")])
    verdict = forms.ChoiceField(label="核实结果", choices=[("", "—")])
    as_of = forms.DateField(
        label="核验日期", widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    papers = forms.CharField(
        label="所见材料",
        max_length=128,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "如：毕业证书、失业登记证、参保证明"}),
    )
    valid_from = forms.DateField(
        label="有效期起（可不填）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label="有效期止（可不填）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    detail = forms.CharField(label="说明", max_length=255, required=False)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        from .models import FactKind, FactVerdict

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—"), *FactKind.choices]
        self.fields["verdict"].choices = [("", "—"), *FactVerdict.choices]
        for name in ("kind", "verdict"):
            self.fields[name].error_messages["invalid_choice"] = "请从列表中选择"
            self.fields[name].error_messages["required"] = "请选择" + self.fields[name].label
        for name in ("as_of", "valid_from", "valid_until"):
            self.fields[name].error_messages["invalid"] = "日期格式应为 年-月-日，如 2026-11-01"
