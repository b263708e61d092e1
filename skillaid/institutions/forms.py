from django import forms

from skillaid.catalogue.models import SkillLevel

from .models import CapacityKind, CapacityLevel, CatalogueStatus, InstitutionKind

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
