"""Papers to print and file: a Django template rendered to PDF by WeasyPrint, with a Chinese font.

Every PDF SkillAid makes (a class's declaration form, roster and attendance sheet, a
certificate, a lifelong record) is rendered here and leaves through the export function
(accounts.exports), which logs it. Templates extend `accounts/paper_base.html`: A4 with
page numbers, table headers repeated on each page, the font found by fontconfig.

The same data gives the same PDF: nothing on the paper or in its metadata is read from
the clock. The caller says when its data was last changed (`as_of`), which is both the
creation date in the PDF's metadata and the "数据截至" line of the paper.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core import checks
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from skillaid.lib.fonts import INSTALL_HINT, cjk_font

from .exports import export_pdf_response
from .models import Channel

NO_FONT = (
    f"服务器没有安装中文字体，生成的PDF会把汉字显示成方框，因此暂不提供PDF。"
    f"请系统管理员安装中文字体（如 Debian 的 {INSTALL_HINT}）后重试；"
    "也可以先下载Excel版本。"
)


NO_PANGO = (
    "服务器缺少生成PDF所需的 Pango 排版库，暂不提供PDF。请系统管理员安装 Debian 的 "
    "libpango-1.0-0 和 libpangoft2-1.0-0 后重试；也可以先下载Excel版本。"
)


class PaperUnavailable(Exception):
    """A PDF cannot be made as it should on this server; the message says why, in Chinese."""


def unavailable() -> str:
    """Why no PDF can be made on this server now, or "" (checked before a paper's data is
    gathered, so that nothing is revealed or logged for a paper never made)."""
    if cjk_font() is None:
        return NO_FONT
    try:
        import weasyprint  # noqa: F401 - loads Pango
    except OSError:
        return NO_PANGO
    return ""


def unavailable_page(request: HttpRequest, message: str) -> HttpResponse:
    return render(
        request, "error.html", {"title": "暂时无法生成PDF", "message": message}, status=503
    )


def paper_html(
    template: str,
    context: Mapping[str, object],
    *,
    as_of: dt.datetime,
    font: str,
    request: HttpRequest | None = None,
) -> str:
    """The paper as the HTML WeasyPrint lays out: `template` with `context`, the font family
    and the data's date (`as_of`, also the PDF's creation date)."""
    local = timezone.localtime(as_of) if timezone.is_aware(as_of) else as_of
    return render_to_string(
        template,
        {
            **context,
            "paper_font": font,
            "as_of": local,
            # W3C date-time with its offset, as WeasyPrint reads dcterms.created.
            "as_of_w3c": local.replace(microsecond=0).isoformat(),
        },
        request=request,
    )


def html_to_pdf(html: str) -> bytes:
    """WeasyPrint's PDF of `html` (no base URL: a paper loads nothing from outside)."""
    try:
        from weasyprint import HTML  # loads Pango: only when a paper is printed
    except OSError as exc:
        raise PaperUnavailable(NO_PANGO) from exc
    return HTML(string=html, base_url=None).write_pdf()


def render_pdf(
    template: str,
    context: Mapping[str, object],
    *,
    as_of: dt.datetime,
    request: HttpRequest | None = None,
) -> bytes:
    """`template` rendered with `context` as a PDF; PaperUnavailable if no font covers
    Chinese (it would print boxes) or WeasyPrint cannot load Pango."""
    font = cjk_font()
    if font is None:
        raise PaperUnavailable(NO_FONT)
    html = paper_html(template, context, as_of=as_of, font=font.family, request=request)
    return html_to_pdf(html)


def pdf_response(
    request: HttpRequest,
    template: str,
    context: Mapping[str, object],
    *,
    as_of: dt.datetime,
    filename: str,
    title: str,
    object_type: object,
    rows: int,
    object_id: object = "",
    person_id: int | None = None,
) -> HttpResponse:
    """A paper as a PDF download, logged as an export; without a Chinese font, a page that
    says so (503) rather than a PDF of boxes."""
    try:
        content = render_pdf(template, {**context, "title": title}, as_of=as_of, request=request)
    except PaperUnavailable as exc:
        return unavailable_page(request, str(exc))
    return export_pdf_response(
        content,
        filename=filename,
        title=title,
        actor=request.user,
        channel=Channel.PAGE,
        object_type=object_type,  # type: ignore[arg-type]
        rows=rows,
        object_id=object_id,
        person_id=person_id,
    )


def latest(*moments: dt.datetime | dt.date | None) -> dt.datetime:
    """The latest of the moments a paper's data was changed (a date counts as its midnight
    in Asia/Shanghai): the paper's `as_of`."""
    found = []
    for m in moments:
        if m is None:
            continue
        if not isinstance(m, dt.datetime):
            m = timezone.make_aware(dt.datetime.combine(m, dt.time()))
        found.append(m)
    if not found:
        return timezone.make_aware(dt.datetime(2000, 1, 1))
    return max(found)


def check_chinese_font(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """System check: warn when no installed font covers Chinese (PDFs are then refused)."""
    if cjk_font() is not None:
        return []
    return [
        checks.Warning(
            "没有找到覆盖中文的字体（fontconfig 的 fc-list :lang=zh-cn 为空）：PDF中的汉字会显示为方框，"
            "打印开班申请表、花名册、考勤表、证书和电子档案的PDF将提示无法生成",
            hint=f"安装 {INSTALL_HINT}",
            id="skillaid.W001",
        )
    ]
