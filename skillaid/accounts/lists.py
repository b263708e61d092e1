"""The filters of a listed model, parsed once and shared by its page, its API and its export.

Each listed model has one selector `<entity>_list(user, *, filters)` in its app's
selectors.py and one `Filters` subclass naming what the list may be filtered by. A page
parses its query string with `Filters.parse(request.GET)`; the API declares the same
class as its query (`filters: Query[...]`), so both accept the same names and the same
values and return the same rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Self

from ninja import Schema
from pydantic import ConfigDict, ValidationError


class Filters(Schema):
    """Filters, text stripped; a filter left out or empty filters nothing."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore", frozen=True)

    @classmethod
    def parse(cls, query: Mapping[str, object]) -> Self:
        """The filters of a page's query string. A value the filter cannot take (a date
        that is no date) filters nothing on a page; the API answers it with a 422."""
        keys = [field.alias or name for name, field in cls.model_fields.items()]
        values = {key: query.get(key) for key in keys if query.get(key) not in (None, "")}
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            bad = {e["loc"][0] for e in exc.errors() if e["loc"]}
            return cls.model_validate({k: v for k, v in values.items() if k not in bad})

    def as_dict(self) -> dict[str, str]:
        """Each filter as text ('' for none): a page's form, an export's audit entry."""
        return {
            k: "" if v in (None, False) else "1" if v is True else str(v)
            for k, v in self.model_dump(by_alias=True).items()
        }
