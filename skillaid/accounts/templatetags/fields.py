"""`{% load fields %}`: how form.html lays out a field: a text box across the form, and a text
of lines (a class's timetable) sent back numbered, each error under the line it names."""

from __future__ import annotations

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def wide(field: BoundField) -> bool:
    """A text box takes the whole width of the form (side by side they overlap on a phone)."""
    return field.widget_type == "textarea"


@register.filter
def numbered_lines(field: BoundField) -> dict | None:
    """The field's text line by line, numbered from 1 as the service counts them, with the
    errors that name each line (an error carrying params["line"]); the errors naming no line
    are left in "other". None when no error names a line: the field shows its errors as usual."""
    by_line: dict[int, list[str]] = {}
    other: list[str] = []
    for error in field.errors.as_data():
        line = (error.params or {}).get("line")
        message = next(iter(error))
        if isinstance(line, int):
            by_line.setdefault(line, []).append(message)
        else:
            other.append(message)
    if not by_line:
        return None
    text = str(field.value() or "")
    lines = [(n, row, by_line.get(n, [])) for n, row in enumerate(text.splitlines(), start=1)]
    # An error naming a line the text no longer has is still said, not dropped.
    other += [m for n, ms in sorted(by_line.items()) if n > len(lines) for m in ms]
    return {"lines": lines, "other": other}
