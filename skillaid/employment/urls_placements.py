"""Pages of the employment services' part: placements and the agency service subsidy."""

from django.urls import path

from . import views_placements as views

urlpatterns = [
    path("placements/", views.placements_page, name="employment_placements"),
    path("placements/export/", views.placements_export, name="employment_placements_export"),
    path("placements/new/", views.placement_new, name="employment_placement_new"),
    path("placements/<int:pk>/", views.placement_detail, name="employment_placement"),
    path("agency-claims/", views.agency_claims, name="employment_agency_claims"),
]
