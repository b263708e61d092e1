"""Pages of the employment services' part: Follow-ups: the three-month clock, the work list, and what creates them."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
