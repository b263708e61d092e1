"""Pages of the employment services' part: Job seekers, their employment status, employers and agencies with their accounts."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
