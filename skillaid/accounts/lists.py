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
from pydantic import ConfigDict


class Filters(Schema):
    """Text filters, stripped; a filter left out or empty filters nothing."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore", frozen=True)

    @classmethod
    def parse(cls, query: Mapping[str, object]) -> Self:
        return cls.model_validate(
            {name: str(query.get(name) or "") for name in cls.model_fields if name in query}
        )

    def as_dict(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.model_dump().items()}
