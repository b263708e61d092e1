from django import forms

from .models import SummaryPeriod

DATE = forms.DateInput(attrs={"type": "date"})


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
