"""Public pages of publication (补贴公示), open without a login like the certificate check:
the running publications of a county, one publication's list with its form for
objections, and nothing of a publication once its period has ended but that it ended.

What the list shows of each line is the name, the masked ID number, the item, the
standard and the amount (publication_selectors.public_rows), never a line's status or
an objection. A line is named in the form by its number in this list, so nothing can be
asked about a line of another publication. Each address may read 60 pages a minute and
send 5 objections a minute (and 10 a day, publication.OBJECTIONS_PER_DAY); the counts
are those of the certificate check (evaluation.views.throttled), kept under their own
names. No browser or proxy keeps a copy, and search engines are asked not to index it:
the list is public for its period, not for ever.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from skillaid.accounts.clientip import client_ip
from skillaid.accounts.models import Channel
from skillaid.errors import apply_errors
from skillaid.evaluation.views import throttled

from .publication import TEXT_MAX, objection_raise
from .publication_selectors import public_publication, public_rows, public_running, public_total

READS_PER_MINUTE = 60
OBJECTIONS_PER_MINUTE = 5
BUSY = "访问过于频繁，请一分钟后再试。"


class ObjectionForm(forms.Form):
    line = forms.TypedChoiceField(label="对哪一位提出异议", coerce=int)
    text = forms.CharField(
        label="异议内容",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="请写明您认为哪里不实（如未参加培训、出勤不实、重复享受补贴），以及您的依据",
        error_messages={"required": "请填写异议内容：您认为哪里不实，依据是什么"},
    )
    contact_name = forms.CharField(label="您的姓名（可不填）", max_length=64, required=False)
    contact_phone = forms.CharField(
        label="联系电话（可不填，便于核实时联系您）",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )

    def __init__(self, *args, rows: list[dict], **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [("", "请选择（按公示名单序号）")] + [
            (r["n"], f"{r['n']}. {r['name']} {r['id_masked']} {r['item']}") for r in rows
        ]
        self.fields["line"].error_messages["required"] = "请从名单中选择要提出异议的人员"
        self.fields["line"].error_messages["invalid_choice"] = "请从名单中选择要提出异议的人员"


def _public(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    return response


def _busy(request: HttpRequest) -> HttpResponse:
    return _public(render(request, "subsidies/public_busy.html", {"message": BUSY}, status=429))


@never_cache
def publications_public(request: HttpRequest) -> HttpResponse:
    """公示公告: the publications running today, of one county when chosen."""
    if throttled(request, per_minute=READS_PER_MINUTE, bucket="pub:"):
        return _busy(request)
    today = timezone.localdate()
    running = list(public_running(today))
    counties = sorted({(p.county_id, p.county.name) for p in running})
    county = request.GET.get("county", "").strip()
    shown = [p for p in running if p.county_id == county] if county else running
    return _public(
        render(
            request,
            "subsidies/public_index.html",
            {"publications": shown, "counties": counties, "county": county, "today": today},
        )
    )


@never_cache
def publication_public(request: HttpRequest, pk: int) -> HttpResponse:
    """One publication: its list and the objection form while it runs; afterwards only
    that it has ended."""
    if throttled(request, per_minute=READS_PER_MINUTE, bucket="pub:"):
        return _busy(request)
    publication = public_publication(pk)
    today = timezone.localdate()
    if publication.ended(today):
        return _public(render(request, "subsidies/public_ended.html", {"publication": publication}))
    rows = public_rows(publication)
    status = 200
    if request.method == "POST":
        form = ObjectionForm(request.POST, rows=rows)
        if throttled(request, per_minute=OBJECTIONS_PER_MINUTE, bucket="obj:"):
            form.add_error(None, "提交过于频繁，请一分钟后再试。")
            status = 429
        elif form.is_valid():
            chosen = rows[form.cleaned_data["line"] - 1]
            try:
                objection = objection_raise(
                    publication=publication,
                    line_id=chosen["line"],
                    text=form.cleaned_data["text"],
                    contact_name=form.cleaned_data["contact_name"],
                    contact_phone=form.cleaned_data["contact_phone"],
                    ip=client_ip(request) or None,
                    channel=Channel.PAGE,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
                status = 422
            else:
                messages.success(
                    request,
                    f"您对第{chosen['n']}号（{chosen['name']}）的异议已登记，编号{objection.pk}。"
                    f"{publication.county.name}人力资源和社会保障部门将核查处理；"
                    "核查期间暂缓向其发放该项补贴。",
                )
                return redirect(reverse("public_publication", args=[publication.pk]) + "#sent")
        else:
            status = 422
    else:
        initial = {}
        if request.GET.get("line", "").isdigit():
            initial["line"] = int(request.GET["line"])
        form = ObjectionForm(rows=rows, initial=initial)
    return _public(
        render(
            request,
            "subsidies/public_publication.html",
            {
                "publication": publication,
                "rows": rows,
                "total": public_total(rows),
                "form": form,
            },
            status=status,
        )
    )
