"""Addresses of the recruitment and monthly-monitoring pages, included from skillaid/urls.py."""

from django.urls import path

from . import monitoring_views as monitoring
from . import recruitment_views as recruitment

urlpatterns = [
    path("recruitment/", recruitment.recruitment_home, name="recruitment"),
    path("recruitment/county/", recruitment.recruitment_county, name="recruitment_county"),
    path(
        "recruitment/county/export.xlsx",
        recruitment.recruitment_county_export,
        name="recruitment_county_export",
    ),
    path("recruitment/people/<int:pk>/", recruitment.recruit_detail, name="recruit_detail"),
    path("recruitment/people/<int:pk>/phone/", recruitment.recruit_phone, name="recruit_phone"),
    path("monitoring/", monitoring.monitoring_list, name="monitoring"),
    path("monitoring/<int:pk>/", monitoring.monitoring_student, name="monitoring_student"),
]
