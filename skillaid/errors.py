"""Errors shown to people: pages in Chinese (never a stack trace) and service refusals on forms."""

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def apply_errors(form: Form, exc: ValidationError) -> None:
    """Show a service's refusal beside the fields it names, or above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    # The errors themselves, not their text: an error may carry parameters the page uses
    # (a timetable's line number, to show the error under its line).
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "error.html",
        {"title": "页面不存在", "message": "您要找的内容不存在，或不在您的管辖范围内。"},
        status=404,
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "您没有进行此操作的权限。"
    return render(request, "error.html", {"title": "没有权限", "message": message}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "error.html",
        {"title": "系统错误", "message": "系统出现错误，已记录，请稍后再试或联系系统管理员。"},
        status=500,
    )
