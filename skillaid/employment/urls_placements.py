"""Pages of the employment services' part: Placements, the agency service subsidy and the funnel."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
