"""Forms of the targets pages: a target's value, period and note; one value a child
region for a split. The services check what the forms leave to them."""

from __future__ import annotations

from django import forms

from skillaid.regions.models import Region

from .models import Target


class TargetEditForm(forms.Form):
    value = forms.CharField(label="目标值", max_length=24)
    period = forms.CharField(
        label="统计期间",
        max_length=20,
        help_text="如 2026（年）、2026H1（上半年）、2026Q2（季度）、2021-2025（规划期）",
    )
    note = forms.CharField(label="说明", max_length=255, required=False)


class TargetSplitForm(forms.Form):
    """One field a child region, named part_<code>."""

    def __init__(self, *args, target: Target, children: list[Region], **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        current = {t.region_id: t.value for t in target.parts.all()}
        for region in children:
            self.fields[f"part_{region.code}"] = forms.CharField(
                label=region.name,
                required=False,
                max_length=24,
                initial=current.get(region.code, ""),
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "decimal",
                        "class": "split-part",
                        "data-region": region.code,
                    }
                ),
            )
        self.children = children

    def parts(self) -> dict[str, str]:
        return {r.code: (self.data.get(f"part_{r.code}") or "").strip() for r in self.children}
