"""Pages of the employment services' part: Suggestions ranked by fit, referrals and their outcomes, the three-referral rule."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
