from django import forms

from skillaid.training.models import SkillLevel

from .models import CapacityKind, CapacityLevel, CatalogueStatus, InstitutionKind, SummaryPeriod

DATE = forms.DateInput(attrs={"type": "date"})


class InstitutionForm(forms.Form):
    """Raw input for institution_create/institution_update; the services check it."""

    name = forms.CharField(label="名称", max_length=128)
    kind = forms.ChoiceField(label="类型", choices=InstitutionKind.choices)
    uscc = forms.CharField(label="统一社会信用代码", max_length=40, required=False)
    region = forms.ChoiceField(label="所在地区")
    address = forms.CharField(label="地址", max_length=255, required=False)
    contact = forms.CharField(label="联系人", max_length=64, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)

    def __init__(self, *args, regions=(), **kwargs) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, f"{r.name}（{r.code}）") for r in regions]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="改为", choices=CatalogueStatus.choices)
    on = forms.DateField(label="日期", required=False, widget=DATE)
    reason = forms.CharField(label="原因", max_length=255, required=False)


class OccupationLinkForm(forms.Form):
    occupation = forms.ChoiceField(label="职业（工种）")
    level = forms.ChoiceField(label="等级", choices=SkillLevel.choices)

    def __init__(self, *args, occupations=(), **kwargs) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.fields["occupation"].choices = [(o.pk, str(o)) for o in occupations]


class AgreementForm(forms.Form):
    signed_on = forms.DateField(label="协议签订日期", required=False, widget=DATE)
    school_duties = forms.CharField(
        label="院校责任", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    county_duties = forms.CharField(
        label="县（安置区）责任", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    agreement = forms.FileField(label="协议文件（PDF 或图片）", required=False)


PLAN_ROWS = 6


class WorkPlanForm(forms.Form):
    year = forms.IntegerField(label="年度")
    planned_enrolments = forms.IntegerField(label="计划招收两后生（人）", min_value=0, initial=0)
    note = forms.CharField(
        label="工作安排", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        for i in range(1, PLAN_ROWS + 1):
            self.fields[f"occupation_{i}"] = forms.CharField(
                label=f"第{i}项 培训职业（工种）", max_length=64, required=False
            )
            self.fields[f"month_{i}"] = forms.IntegerField(
                label="月份", required=False, min_value=1, max_value=12
            )
            self.fields[f"trainees_{i}"] = forms.IntegerField(
                label="计划培训人数", required=False, min_value=1
            )

    def items(self) -> list[dict]:
        out = []
        for i in range(1, PLAN_ROWS + 1):
            item = {
                "occupation": self.cleaned_data.get(f"occupation_{i}") or "",
                "month": self.cleaned_data.get(f"month_{i}"),
                "trainees": self.cleaned_data.get(f"trainees_{i}"),
            }
            if item["occupation"] or item["month"] or item["trainees"]:
                out.append(item)
        return out


class SummaryForm(forms.Form):
    year = forms.IntegerField(label="年度")
    period = forms.ChoiceField(label="类型", choices=SummaryPeriod.choices)
    text = forms.CharField(label="总结内容", widget=forms.Textarea(attrs={"rows": 5}))


class CapacityForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=CapacityKind.choices)
    name = forms.CharField(label="名称", max_length=128)
    region = forms.ChoiceField(label="所在地区")
    year = forms.IntegerField(label="年度")
    level = forms.ChoiceField(
        label="级别", choices=[("", "—"), *CapacityLevel.choices], required=False
    )
    institution = forms.ChoiceField(label="依托院校/机构", required=False)
    occupations = forms.CharField(label="涉及职业（工种）", max_length=255, required=False)
    master = forms.CharField(label="技能大师（工作室）", max_length=64, required=False)
    apprentices = forms.IntegerField(label="带徒人数", required=False, min_value=0)
    held_on = forms.DateField(label="举办日期（竞赛）", required=False, widget=DATE)
    published_on = forms.DateField(label="公布日期（重点院校/专业）", required=False, widget=DATE)
    results = forms.CharField(
        label="成果", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, regions=(), institutions=(), **kwargs) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, f"{r.name}（{r.code}）") for r in regions]
        self.fields["institution"].choices = [("", "—")] + [(i.pk, i.name) for i in institutions]


class PairingForm(forms.Form):
    """A new pairing: a technical school and either a county or a resettlement site."""

    school = forms.ChoiceField(label="结对院校")
    county = forms.ChoiceField(label="帮扶县", required=False)
    site = forms.ChoiceField(label="或：安置区", required=False)
    signed_on = forms.DateField(label="协议签订日期", required=False, widget=DATE)
    source = forms.CharField(label="依据（文件名称、文号）", max_length=128, required=False)

    def __init__(self, *args, schools=(), counties=(), sites=(), **kwargs) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [(i.pk, i.name) for i in schools]
        self.fields["county"].choices = [("", "—")] + [
            (r.code, f"{r.name}（{r.code}）") for r in counties
        ]
        self.fields["site"].choices = [("", "—")] + [
            (s.pk, f"{s.name}（{s.county.name}）") for s in sites
        ]


class PairingEndForm(forms.Form):
    ended_on = forms.DateField(label="结束日期", widget=DATE)
    end_reason = forms.CharField(label="结束原因", max_length=255)
