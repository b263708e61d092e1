"""Pages of the employment services' part: Postings (with their import), fairs, suggestions and referrals."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
