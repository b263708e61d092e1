"""Error pages in Chinese, never a stack trace."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


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
