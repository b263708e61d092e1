"""The filters of a listed model, parsed once and shared by its page, its API and its export.

Each listed model has one selector `<entity>_list(user, *, filters)` in its app's
selectors.py and one `Filters` subclass naming what the list may be filtered by. A page
parses its query string with `Filters.parse(request.GET)`; the API declares the same
class as its query (`filters: Query[...]`), so both accept the same names and the same
values and return the same rows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Self

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Max, Q, QuerySet
from ninja import Schema
from pydantic import ConfigDict
from pydantic import ValidationError as SchemaError


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
        except SchemaError as exc:
            bad = {e["loc"][0] for e in exc.errors() if e["loc"]}
            return cls.model_validate({k: v for k, v in values.items() if k not in bad})

    def as_dict(self) -> dict[str, str]:
        """Each filter as text ('' for none): a page's form, an export's audit entry."""
        return {
            k: "" if v in (None, False) else "1" if v is True else str(v)
            for k, v in self.model_dump(by_alias=True).items()
        }


# Keyset ("seek") paging: a page is the rows after (or before) the last row seen, found
# through an index on the sort key and the primary key, so page 2,000 costs what page 1
# does. OFFSET paging reads and throws away every row before the page instead.

CURSOR_SALT = "skillaid.lists.cursor"
# Page numbers a user types or bookmarks (?page=7) are honoured by OFFSET up to this page:
# a few thousand rows skipped is cheap, a deep OFFSET is what keyset paging avoids.
OFFSET_PAGES = 20
# Up to this many rows a list is counted exactly; above it the count is an estimate.
COUNT_BOUND = 10_000
# Rows an API caller may skip by `offset`; further on, it follows the cursors.
OFFSET_ROWS = 10_000
# How long a list's count above the bound is reused on SQLite (see `count_rows`).
COUNT_SECONDS = 300


class BadCursor(ValueError):
    """A page link that was altered, comes from another sort, or cannot be read."""

    message = "翻页链接无效（可能被改动，或来自另一种排序），已回到第一页"


@dataclass(frozen=True)
class Seek:
    """A queryset's order as keyset paging reads it: one sort key (or none) and the primary
    key as the tie-breaker, both in the same direction. NULLs of a nullable key come after
    every value ascending and before them descending, on both databases."""

    key: str | None
    pk: str
    descending: bool
    nullable: bool

    @classmethod
    def of(cls, rows: QuerySet) -> Seek:
        pk = rows.model._meta.pk
        order = list(rows.query.order_by)
        if not order or not all(isinstance(o, str) for o in order) or len(order) > 2:
            raise ValueError(f"keyset paging needs ('[-]key', '[-]pk') order, not {order}")
        descending = order[-1].startswith("-")
        if order[-1].lstrip("-") not in ("pk", pk.name, pk.attname):
            raise ValueError(f"keyset paging needs the primary key last, not {order}")
        if len(order) == 1:
            return cls(None, pk.attname, descending, False)
        if order[0].startswith("-") != descending:
            raise ValueError(f"keyset paging needs one direction, not {order}")
        field = rows.model._meta.get_field(order[0].lstrip("-"))
        if field.attname == pk.attname:
            return cls(None, pk.attname, descending, False)
        return cls(field.attname, pk.attname, descending, field.null)

    @property
    def signature(self) -> str:
        return f"{'-' if self.descending else ''}{self.key or ''},{self.pk}"

    def ordered(self, rows: QuerySet) -> QuerySet:
        """`rows` in this order with NULLs placed as the keyset reads them (SQLite puts them
        first ascending, PostgreSQL last): what OFFSET pages read, so that both agree."""
        if self.key is None or not self.nullable:
            return rows
        key = (
            F(self.key).desc(nulls_first=True)
            if self.descending
            else F(self.key).asc(nulls_last=True)
        )
        return rows.order_by(key, f"-{self.pk}" if self.descending else self.pk)

    def position(self, row: object) -> tuple[object, object]:
        return (getattr(row, self.key) if self.key else None, getattr(row, self.pk))

    def rows(self, rows: QuerySet, *, after: tuple | None, limit: int, backward: bool) -> list:
        """Up to `limit` rows after `after` (a position, or None for the start) in this order,
        or in its reverse when `backward`. Each piece is one index range read in order: the
        non-NULL keys, then (for a nullable key) the NULLs, or the other way round."""
        descending = self.descending != backward
        pieces = []
        if self.key is None:
            pieces.append(self.after(rows, None, after, descending))
        else:
            valued = rows.filter(**{f"{self.key}__isnull": False}) if self.nullable else rows
            at_null = after is not None and after[0] is None
            if at_null:
                # From a NULL, every value lies behind ascending, and all ahead descending.
                value_piece = self.after(valued, self.key, None, descending) if descending else None
            else:
                value_piece = self.after(valued, self.key, after, descending)
            null_piece = None
            # Inside the NULLs only the primary key orders; from a value, all NULLs lie
            # ahead ascending and none descending.
            if self.nullable and (at_null or after is None or not descending):
                nulls = rows.filter(**{f"{self.key}__isnull": True})
                null_piece = self.after(nulls, None, after if at_null else None, descending)
            ordered = [null_piece, value_piece] if descending else [value_piece, null_piece]
            pieces.extend(p for p in ordered if p is not None)
        found: list = []
        for piece in pieces:
            found.extend(piece[: limit - len(found)])
            if len(found) >= limit:
                break
        return found

    def after(
        self, rows: QuerySet, key: str | None, after: tuple | None, descending: bool
    ) -> QuerySet:
        """`rows` after the position `after` (all of them for None) ordered by `key` (or the
        primary key alone for None) and the primary key, descending or not."""
        sign = "-" if descending else ""
        beyond, from_ = ("lt", "lte") if descending else ("gt", "gte")
        if after is not None:
            value, pk = after
            if key is None:
                rows = rows.filter(**{f"{self.pk}__{beyond}": pk})
            else:
                # `key >= v` bounds the index range; the OR only filters within it (an OR
                # alone would make the databases read both branches and sort them).
                rows = rows.filter(**{f"{key}__{from_}": value}).filter(
                    Q(**{f"{key}__{beyond}": value}) | Q(**{f"{self.pk}__{beyond}": pk})
                )
        order = [f"{sign}{key}"] if key else []
        return rows.order_by(*order, f"{sign}{self.pk}")


@dataclass
class Page:
    """One page of a list: its rows, where it stands, the cursors of its neighbours.

    `number` counts from the first page (1, 2, …), or from the last when negative (-1 is
    the last page) for pages reached from the end; `count` is exact when `count_exact`."""

    object_list: list
    number: int
    has_next: bool
    has_previous: bool
    next_cursor: str | None
    previous_cursor: str | None
    count: int
    count_exact: bool
    size: int
    error: str = ""

    def __iter__(self):  # noqa: ANN204
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def pages(self) -> int:
        """How many pages the count makes (an estimate when the count is)."""
        return max(1, -(-self.count // self.size))

    @property
    def shown_number(self) -> int | None:
        """The page's number from the first page, when it is known."""
        if self.number > 0:
            return self.number
        if self.count_exact:
            return max(1, self.pages + self.number + 1)
        return None


def make_cursor(seek: Seek, position: tuple, *, number: int, backward: bool) -> str:
    value, pk = position
    if isinstance(value, dt.date | dt.datetime):
        value = value.isoformat()
    payload = {"o": seek.signature, "v": [value, pk], "n": number, "b": backward}
    return signing.dumps(payload, salt=CURSOR_SALT, compress=True)


def read_cursor(seek: Seek, rows: QuerySet, cursor: str) -> tuple[tuple, int, bool]:
    """(position, page number, backward) of a cursor made for this order, or BadCursor.

    A cursor only says where to start reading; the rows are still the caller's queryset,
    cut to the user's scope, so no cursor reaches a row outside it."""
    try:
        payload = signing.loads(cursor, salt=CURSOR_SALT)
        (value, pk), number, backward = payload["v"], int(payload["n"]), bool(payload["b"])
        if payload["o"] != seek.signature or number == 0:
            raise BadCursor
        model = rows.model._meta
        pk = model.pk.to_python(pk)
        if seek.key is not None and value is not None:
            field = next(f for f in model.concrete_fields if f.attname == seek.key)
            value = field.to_python(value)
    except (
        signing.BadSignature,
        KeyError,
        TypeError,
        ValueError,
        ValidationError,
        StopIteration,
    ) as exc:
        raise BadCursor from exc
    if seek.key is not None and value is None and not seek.nullable:
        raise BadCursor
    return (value, pk), number, backward


def keyset_page(
    rows: QuerySet,
    *,
    size: int,
    cursor: str = "",
    jump: str = "",
    page: object = None,
    offset: int = 0,
    count: bool = True,
) -> Page:
    """A page of `rows` (a queryset ordered by a key and the primary key, see `Seek`).

    `cursor` is a `next_cursor` or `previous_cursor` of an earlier page; `jump` is "last"
    for the last page (anything else, the first); `page` a page number from the first,
    honoured up to OFFSET_PAGES; `offset` rows to skip (the API's small jumps, the caller
    bounds it). A bad cursor or page number gives the first page with `error` saying why,
    never an exception."""
    seek = Seek.of(rows)
    total, exact = count_rows(rows) if count else (0, False)
    error = ""
    after, number, backward = None, 1, False
    take = size
    if offset and not cursor:
        number = offset // size + 1
    if cursor:
        try:
            after, number, backward = read_cursor(seek, rows, cursor)
        except BadCursor as exc:
            error = exc.message
    elif jump == "last":
        number, backward = -1, True
        if exact and total:
            # Counted: the last page holds what the pages before it leave, as page N
            # reached from the first would, and has its number.
            number = -(-total // size)
            take = total - (number - 1) * size
    elif page not in (None, ""):
        try:
            wanted = int(str(page))
        except ValueError:
            wanted = 0
        if 1 <= wanted <= OFFSET_PAGES:
            number, offset = wanted, (wanted - 1) * size
        elif wanted > OFFSET_PAGES:
            error = f"第 {wanted} 页太靠后，无法直接跳转；请用“下一页”“末页”翻页，或缩小查询条件"
        else:
            error = f"页码“{page}”无效，已显示第一页"

    if offset and after is None and not backward:
        found = list(seek.ordered(rows)[offset : offset + size + 1])
        if not found and page not in (None, ""):
            first = keyset_page(rows, size=size, count=count)
            return dataclasses.replace(first, error=f"没有第 {number} 页，已显示第一页")
    else:
        found = seek.rows(rows, after=after, limit=take + 1, backward=backward)
    more = len(found) > take
    found = found[:take]
    if backward:
        found.reverse()
        has_previous, has_next = more, after is not None
    else:
        has_next, has_previous = more, after is not None or offset > 0
    # A neighbour that was there when the link was made may have gone since: look again.
    if found and after is not None:
        edge = found[-1] if backward else found[0]
        if backward:
            has_next = bool(seek.rows(rows, after=seek.position(edge), limit=1, backward=False))
        else:
            has_previous = bool(seek.rows(rows, after=seek.position(edge), limit=1, backward=True))
    if not has_previous:
        number = 1
    return Page(
        object_list=found,
        number=number,
        has_next=has_next,
        has_previous=has_previous,
        next_cursor=(
            make_cursor(seek, seek.position(found[-1]), number=number + 1 or -1, backward=False)
            if has_next and found
            else None
        ),
        previous_cursor=(
            make_cursor(seek, seek.position(found[0]), number=number - 1 or 1, backward=True)
            if has_previous and found
            else None
        ),
        count=total,
        count_exact=exact,
        size=size,
        error=error,
    )


def count_rows(rows: QuerySet, *, bound: int | None = None) -> tuple[int, bool]:
    """(count, exact) of a list without counting a large one on every page view.

    Up to `bound` rows are counted exactly (a count of at most bound + 1 rows read). Above
    it the count is an estimate: on PostgreSQL the planner's estimate of the query's rows
    (EXPLAIN, from the table statistics; no row is read); on SQLite, which keeps no such
    statistics, one exact count reused for COUNT_SECONDS and until a row is added (the
    cache key holds the table's highest primary key), so the large count is paid once
    every few minutes rather than on each page."""
    bound = COUNT_BOUND if bound is None else bound
    plain = rows.order_by()
    seen = plain[: bound + 1].count()
    if seen <= bound:
        return seen, True
    if connection.vendor == "postgresql":
        plan = json.loads(plain.explain(format="json"))
        return max(bound + 1, int(plan[0]["Plan"]["Plan Rows"])), False
    sql, params = plain.values("pk").query.sql_with_params()
    newest = rows.model._default_manager.aggregate(m=Max("pk"))["m"]
    digest = hashlib.sha256(repr((sql, params, newest)).encode()).hexdigest()
    key = f"skillaid.lists.count:{digest}"
    total = cache.get(key)
    if total is None:
        total = plain.count()
        cache.set(key, total, COUNT_SECONDS)
    return total, False
