"""Pages of the employment services' part: suggestions ranked by fit, referrals and their
outcomes, the three-referral rule."""

from django.urls import path

from . import views_referrals as views

urlpatterns = [
    path("seekers/<int:pk>/suggestions/", views.suggestions_page, name="employment_suggestions"),
    path("referrals/", views.referral_list_page, name="employment_referrals"),
    path("referrals/<int:pk>/", views.referral_page, name="employment_referral"),
    path("short/", views.short_page, name="employment_short"),
]
