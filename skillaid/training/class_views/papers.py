"""A class's papers as PDF or workbook: whoever may see the class may print them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from skillaid.accounts import papers as paper
from skillaid.accounts.exports import export_response, export_title
from skillaid.accounts.models import Channel

from .. import papers
from ..models import TrainingClass
from ..selectors import class_for

PAPERS = {"declaration": "开班申请表", "roster": "花名册", "attendance": "考勤表"}
FORMATS = ("pdf", "xlsx")


def _content(request: HttpRequest, c: TrainingClass, kind: str) -> tuple[list, list, dict, int]:
    """The paper's workbook columns and rows, its PDF template's context, and how many
    lines (trainees; one for the form) it holds, for the export's audit entry."""
    if kind == "declaration":
        d = papers.declaration(c)
        return papers.DECLARATION_COLUMNS, papers.declaration_rows(d), {"d": d}, 1
    if kind == "roster":
        lines, shows_category = papers.roster(request.user, c, channel=Channel.PAGE)
        return (
            papers.roster_columns(shows_category),
            papers.roster_rows(lines, shows_category),
            {"lines": lines, "shows_category": shows_category},
            len(lines),
        )
    sheet = papers.attendance_sheet(c)
    return (
        papers.attendance_columns(sheet),
        papers.attendance_rows(sheet),
        {"sheet": sheet, "legend": papers.LEGEND},
        len(sheet.lines),
    )


@login_required
def class_paper(request: HttpRequest, pk: int, kind: str, fmt: str) -> HttpResponse:
    if kind not in PAPERS or fmt not in FORMATS:
        raise Http404("没有这种表格")
    c = class_for(request.user, pk)
    name = PAPERS[kind]
    if fmt == "pdf":
        refusal = paper.unavailable()
        if refusal:
            return paper.unavailable_page(request, refusal)
    columns, rows, context, lines = _content(request, c, kind)
    if fmt == "xlsx":
        filters = [papers.LEGEND_TEXT] if kind == "attendance" else []
        return export_response(
            columns,
            rows,
            filename=f"{name}-{c.name}",
            title=export_title(name, scope=f"{c.name}（{c.institution.name}）", filters=filters),
            actor=request.user,
            channel=Channel.PAGE,
            object_type=TrainingClass,
            object_id=c.pk,
            sheet_name=name,
        )
    return paper.pdf_response(
        request,
        f"training/papers/{kind}.html",
        {"c": c, "paper": name, **context},
        as_of=papers.as_of(c),
        filename=f"{name}-{c.name}",
        title=f"{c.name} {name}",
        object_type=TrainingClass,
        object_id=c.pk,
        rows=lines,
    )
