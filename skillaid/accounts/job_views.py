"""The progress and result page of every job, its report, and the list of a user's own jobs."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .imports.views import report_response
from .job_todos import DAYS, finished_jobs
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


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    """我的任务: the jobs this user started, newest first (imports, report packs, claims
    prepared ...); `?finished=1` only those that ended in the last DAYS days, which is what
    the desk's to-do counts."""
    finished = request.GET.get("finished") == "1"
    jobs = finished_jobs(request.user) if finished else Job.objects.filter(owner=request.user)
    page = Paginator(jobs.order_by("-created_at", "-id"), settings.SKILLAID_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/job_list.html",
        {
            "page": page,
            "finished": finished,
            "days": DAYS,
            "query": "finished=1" if finished else "",
        },
    )
