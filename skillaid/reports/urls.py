"""Pages of targets, progress, desks, report packs, deadlines and inspections, under
/reports/ (the desk itself is the site's home page, named "home", in skillaid.urls)."""

from django.urls import include, path

urlpatterns = [
    path("", include("skillaid.reports.urls_desk")),
    path("", include("skillaid.reports.urls_dashboard")),
    path("", include("skillaid.reports.urls_targets")),
    path("", include("skillaid.reports.urls_packs")),
    path("", include("skillaid.reports.urls_inspections")),
]
