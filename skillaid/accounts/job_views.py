"""The progress and result page of every job, and its report."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .imports.views import report_response
from .jobs import Job, jobs_visible_to


def job_for(request: HttpRequest, pk: int) -> Job:
    # A job and its report are seen by the user who started it and by those whose scope
    # holds the scope it was started in; to anyone else it does not exist.
    return get_object_or_404(jobs_visible_to(request.user), pk=pk)


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_for(request, pk)
    template = (
        "accounts/_job_progress.html" if request.headers.get("HX-Request") else "accounts/job.html"
    )
    return render(
        request,
        template,
        {"job": job, "finished": job.finished, "report_open": job.report_open_to(request.user)},
    )


@login_required
def job_report(request: HttpRequest, pk: int) -> FileResponse:
    job = job_for(request, pk)
    # The same rule as the import history's: the report holds whole ID numbers.
    if not job.report_open_to(request.user):
        raise Http404("没有可下载的问题行报告")
    if not job.report.storage.exists(job.report.name):
        raise Http404("没有问题行报告，或报告已超过保存期限被删除")
    return report_response(request, job, label=job.kind_label, filename=job.filename)
