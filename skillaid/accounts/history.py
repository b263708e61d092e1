"""The audit log as a reader sees it: each change with its field's Chinese name and values.

The log keeps field names and stored values (`phone`, `completed`, `true`) so that
it stays exact whatever the pages call them; the pages translate when they show it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

# object_type in the log -> the model whose fields it names
MODELS = {
    "person": "people.Person",
    "household": "people.Household",
    "class": "training.TrainingClass",
    "enrolment": "training.Enrolment",
    "demand_entry": "training.DemandEntry",
    "certificate": "evaluation.Certificate",
    "institution": "institutions.Institution",
    "pairing": "institutions.Pairing",
    "work_plan": "institutions.WorkPlan",
    "pairing_summary": "institutions.PairingSummary",
    "capacity": "institutions.Capacity",
}
# Names the log uses that are not a field of the object's model.
LABELS = {
    "class": "培训班",
    "on": "日期",
    "occupations": "工种",
    "filters": "筛选条件",
    "rows": "行数",
    "placing": "名次",
    "items": "计划条目",
    "year": "年度",
    "period": "期间",
    # the ledger export's filters
    "q": "姓名或身份证号",
    "region": "地区",
    "intent": "意愿",
    "sort": "排序",
}
EMPTY = "（空）"
# Models whose rows a change shows by name: reference data, not people.
NAMED = {"regions.Region", "regions.ResettlementSite", "training.Occupation"}


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def describe(object_type: str, changes: dict) -> list[Change]:
    """`changes` ({field: [before, after]}) with Chinese field names and values."""
    model = _model(object_type)
    described = []
    for name, pair in (changes or {}).items():
        before, after = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        field = _field(model, name)
        described.append(Change(_label(field, name), _value(field, before), _value(field, after)))
    return described


def _label(field: models.Field | None, name: str) -> str:
    """The field's Chinese name, or for a link without one, the Chinese name of what it links to."""
    if field is not None:
        candidates = [field.verbose_name]
        if field.related_model is not None:
            candidates.append(field.related_model._meta.verbose_name)
        for candidate in candidates:
            if not str(candidate).isascii():
                return str(candidate)
    return LABELS.get(name, name)


def _model(object_type: str) -> type[models.Model] | None:
    label = MODELS.get(object_type)
    return apps.get_model(label) if label else None


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)  # an attname such as county_id is found too
    except FieldDoesNotExist:
        return None


def _value(field: models.Field | None, value: object) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.related_model is not None and field.many_to_one:
        # A division or resettlement site by its name, with the key the log keeps.
        if field.related_model._meta.label in NAMED:
            row = field.related_model._default_manager.filter(pk=value).first()
            if row is not None:
                return f"{row}（{value}）"
    if isinstance(value, dict):
        return "，".join(f"{LABELS.get(k, k)}={_value(None, v)}" for k, v in value.items()) or EMPTY
    if isinstance(value, list):
        return "、".join(_value(None, v) for v in value) or EMPTY
    return str(value)
