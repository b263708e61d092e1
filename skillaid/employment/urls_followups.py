"""Pages of the follow-ups (the work list, recording a visit) and of the funnel."""

from django.urls import path

from . import views_followups, views_funnel

urlpatterns = [
    path("followups/", views_followups.followups_page, name="employment_followups"),
    path("followups/<int:pk>/", views_followups.followup_page, name="employment_followup"),
    path("funnel/", views_funnel.funnel_page, name="employment_funnel"),
    path("funnel/people/", views_funnel.funnel_people_page, name="employment_funnel_people"),
    path("funnel/rates/", views_funnel.rates_page, name="employment_rates"),
]
