"""The audit log as a reader sees it: each change with its field's Chinese name and values.

The log keeps field names and stored values (`phone`, `completed`, `true`) so that
it stays exact whatever the pages call them; the pages translate when they show it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

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
    "days": "放假与调休上班日期",
    # the ledger export's filters
    "q": "姓名或身份证号",
    "region": "地区",
    "intent": "意愿",
    "sort": "排序",
    # logins, tokens and the log's own archiving
    "username": "用户名",
    "address": "IP 地址",
    "user": "用户",
    "archived": "归档条数",
    "first_id": "起始条目",
    "last_id": "截止条目",
    "before": "早于",
    "file": "文件",
    "relabelled": "改记条目数",
    "last_hash": "末条哈希",
}
# What an entry is about (its object_type) is the label of the model whose row it names
# (people.person, training.trainingclass), looked up with apps.get_model. These few words
# name what is no one model's row; nothing else may be stored.
DOCUMENTS = {
    "ledger": "台账",  # an export of households and their members
    "lifelong_record": "终身职业技能培训电子档案",  # one person's record across apps
}
EMPTY = "（空）"
# A change to a link shows the row linked by its name (its __str__), not by its database
# key: a class by its name, a division by its name and code. Except rows that name a
# person, which stay keys: the log shows a person's name only where the reader is shown
# that person (the person's own history), never as a value of someone else's entry.
UNNAMED = {
    "people.Person",
    "people.Household",
    "people.HouseholdStatus",
    "training.Enrolment",
    "training.Attendance",
    "training.RefusedAttendance",
    "institutions.CompetitionResult",
}
# Names the log uses that are not a field but hold a row's key: the model whose row.
REFERS = {"class": "training.TrainingClass"}


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def describe(object_type: str, changes: dict) -> list[Change]:
    """`changes` ({field: [before, after]}) with Chinese field names and values."""
    return describe_many([(object_type, changes)])[0]


def describe_many(items: list[tuple[str, dict]]) -> list[list[Change]]:
    """`describe` for many (object_type, changes), with the rows shown by name looked up
    in one query per model for all of them."""
    parsed = []
    for object_type, changes in items:
        model = _model(object_type)
        entry = []
        for name, pair in (changes or {}).items():
            before, after = (
                pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
            )
            field = _field(model, name)
            if field is None and name in REFERS:
                field = _Refers(name)
            entry.append((name, field, before, after))
        parsed.append(entry)
    names = _names(
        (field, value)
        for entry in parsed
        for _, field, before, after in entry
        for value in (before, after)
    )
    described = []
    for entry in parsed:
        changes = []
        for name, field, before, after in entry:
            change = Change(
                _label(field, name), _value(field, before, names), _value(field, after, names)
            )
            if change.before != change.after:  # an empty field of a new row says nothing
                changes.append(change)
        described.append(changes)
    return described


def object_type_of(subject: object) -> str:
    """The object_type the log stores for `subject`: a model, one of its rows, a model's label
    (the model name in either case) or a word of DOCUMENTS. Anything else is a mistake in the caller."""
    if isinstance(subject, models.Model) or (
        isinstance(subject, type) and issubclass(subject, models.Model)
    ):
        return subject._meta.label_lower
    if isinstance(subject, str):
        if subject in DOCUMENTS:
            return subject
        if "." in subject:
            try:
                return apps.get_model(subject)._meta.label_lower
            except LookupError:
                pass
    raise ValueError(
        f"audit object_type {subject!r} is neither a model, its label nor one of {sorted(DOCUMENTS)}"
    )


def object_label(object_type: str) -> str:
    """What an entry is about, in Chinese: the model's verbose name, or the document's name."""
    model = _model(object_type)
    if model is not None:
        return str(model._meta.verbose_name)
    return DOCUMENTS.get(object_type, object_type)


def _names(values: Iterable[tuple[models.Field | None, object]]) -> dict[tuple[str, str], str]:
    """(model label, key) -> the row's name, for the keys of NAMED models among `values`."""
    wanted: dict[type[models.Model], set[object]] = defaultdict(set)
    for field, value in values:
        model = _named_model(field)
        if model is None or value in (None, ""):
            continue
        try:
            wanted[model].add(model._meta.pk.to_python(value))
        except ValidationError:  # not a key of that model: shown as kept
            continue
    names = {}
    for model, keys in wanted.items():
        # What a row's name reads of its own links (an occupation's, a region's) comes in the
        # same query: one query a model for the whole page.
        links = [
            f.name
            for f in model._meta.concrete_fields
            if f.many_to_one and not f.null and f.related_model._meta.label not in UNNAMED
        ]
        for row in model._default_manager.filter(pk__in=keys).select_related(*links):
            names[(model._meta.label, str(row.pk))] = _name(row)
    return names


def _name(row: models.Model) -> str:
    """A row as the log names it: a user by the name pages show for them."""
    return str(getattr(row, "display_name", "") or row)


class _Refers:
    """A name of REFERS, standing for the link field it is not."""

    many_to_one = True
    choices = None

    def __init__(self, name: str) -> None:
        self.related_model = apps.get_model(REFERS[name])
        self.verbose_name = LABELS.get(name, self.related_model._meta.verbose_name)


def _named_model(field: models.Field | None) -> type[models.Model] | None:
    if field is None or not field.many_to_one or field.related_model._meta.label in UNNAMED:
        return None
    return field.related_model


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
    if "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except LookupError:  # an app since removed: the log keeps what it was told
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)  # an attname such as county_id is found too
    except FieldDoesNotExist:
        return None


def _value(field: models.Field | None, value: object, names: dict[tuple[str, str], str]) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        # Kept as UTC ISO text; read in local time, as the time column beside it.
        moment = parse_datetime(value)
        if moment is not None:
            return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"
    model = _named_model(field)
    if model is not None and (model._meta.label, str(value)) in names:
        name = names[(model._meta.label, str(value))]
        if isinstance(model._meta.pk, models.AutoField):  # a database number: the name alone
            return name
        # A division by its name, with the code the log keeps.
        return f"{name}（{value}）"
    if isinstance(value, dict):
        return (
            "，".join(f"{LABELS.get(k, k)}={_value(None, v, names)}" for k, v in value.items())
            or EMPTY
        )
    if isinstance(value, list):
        return "、".join(_value(None, v, names) for v in value) or EMPTY
    return str(value)
