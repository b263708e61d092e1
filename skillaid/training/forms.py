"""Forms of the class pages; the services behind them check everything again."""

from __future__ import annotations

from django import forms

from skillaid.accounts.models import User
from skillaid.catalogue.models import Occupation, SkillLevel, TrainingKind
from skillaid.regions.models import Level, Region

from .models import Basis

TIMETABLE_HELP = (
    "每行一个课次：日期 开始-结束 地点 教师，例如“2026-12-01 09:00-12:00 实训楼201 韦老师”。"
    "可直接从Excel复制粘贴。"
)


class ClassForm(forms.Form):
    name = forms.CharField(label="班级名称", max_length=128)
    occupation = forms.ModelChoiceField(label="职业（工种）", queryset=Occupation.objects.none())
    level = forms.ChoiceField(label="等级", choices=SkillLevel.choices)
    training_kind = forms.ChoiceField(label="培训类型", choices=TrainingKind.choices)
    subsidised = forms.BooleanField(label="申请补贴（补贴性培训）", required=False, initial=True)
    county = forms.ModelChoiceField(
        label="培训地县（区）", queryset=Region.objects.none(), to_field_name="code"
    )
    start_on = forms.DateField(label="开班日期", widget=forms.DateInput(attrs={"type": "date"}))
    end_on = forms.DateField(label="结业日期", widget=forms.DateInput(attrs={"type": "date"}))
    planned_size = forms.IntegerField(label="计划人数", min_value=0, initial=30)
    teachers = forms.CharField(label="授课教师", max_length=255)
    teaching_plan = forms.CharField(label="教学计划", widget=forms.Textarea(attrs={"rows": 3}))
    assessment_plan = forms.CharField(label="考核方案", widget=forms.Textarea(attrs={"rows": 3}))
    timetable = forms.CharField(
        label="课程表", widget=forms.Textarea(attrs={"rows": 6}), help_text=TIMETABLE_HELP
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occupation"].queryset = Occupation.objects.filter(
            institutions__id=user.institution_id
        ).distinct()
        self.fields["county"].queryset = (
            Region.objects.current()
            .filter(level=Level.COUNTY, code__startswith="45")
            .exclude(name="市辖区")
            .order_by("code")
        )


class RosterForm(forms.Form):
    id_number = forms.CharField(label="身份证号", max_length=32)
    name = forms.CharField(label="姓名", max_length=64)
    basis = forms.ChoiceField(label="补贴对象类别", choices=Basis.choices, required=False)
    county = forms.CharField(
        label="户籍县（区）代码",
        max_length=6,
        required=False,
        help_text="此人尚未在台账登记且身份证号前六位不是现行区划时填写",
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="审核结论",
        choices=[("approve", "批准开班"), ("return", "退回修改"), ("reject", "不予批准")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="审核意见", max_length=255, required=False)


class ManualMarkForm(forms.Form):
    enrolment = forms.IntegerField(widget=forms.HiddenInput)
    direction = forms.ChoiceField(choices=[("in", "补签到"), ("out", "补签退")])
    reason = forms.CharField(label="补签原因", max_length=255)


class SignForm(forms.Form):
    id_number = forms.CharField(label="身份证号", max_length=32)
    name = forms.CharField(label="姓名", max_length=64)
    code = forms.CharField(label="签到码", max_length=16)
    direction = forms.ChoiceField(
        label="签到/签退", choices=[("in", "签到"), ("out", "签退")], widget=forms.RadioSelect
    )
