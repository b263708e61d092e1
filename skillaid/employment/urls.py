"""Pages of the employment services (就业服务), included under /employment/ by skillaid/urls.py."""

from django.urls import include, path

from .views_index import employment_index

urlpatterns = [
    path("", employment_index, name="employment"),
    path("", include("skillaid.employment.urls_seekers")),
    path("", include("skillaid.employment.urls_postings")),
    path("", include("skillaid.employment.urls_referrals")),
    path("", include("skillaid.employment.urls_followups")),
    path("", include("skillaid.employment.urls_placements")),
]
