"""The notices pages (the desk itself is the site's home page, `home`, in skillaid.urls)."""

from django.urls import path

from . import views_notices

urlpatterns = [
    path("notices/", views_notices.notice_list, name="notices"),
    path("notices/<int:pk>/read/", views_notices.notice_read, name="notice_read"),
    path("notices/read-all/", views_notices.notices_read_all, name="notices_read_all"),
]
