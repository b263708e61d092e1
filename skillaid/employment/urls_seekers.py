"""Pages of job seekers, their employment status, employers and agencies with their
accounts (included under /employment/)."""

from django.urls import path

from . import views_seekers as views

urlpatterns = [
    path("seekers/", views.seekers_page, name="employment_seekers"),
    path("seekers/export/", views.seekers_export, name="employment_seekers_export"),
    path("seekers/new/", views.seeker_new_page, name="employment_seeker_new"),
    path(
        "seekers/from-ledger/",
        views.seekers_from_ledger_page,
        name="employment_seekers_from_ledger",
    ),
    path("seekers/<int:pk>/", views.seeker_page, name="employment_seeker"),
    path("seekers/<int:pk>/status/", views.seeker_status_page, name="employment_seeker_status"),
    path("employers/", views.employers_page, name="employment_employers"),
    path("employers/new/", views.employer_new_page, name="employment_employer_new"),
    path("employers/<int:pk>/", views.employer_page, name="employment_employer"),
    path("employers/<int:pk>/edit/", views.employer_edit_page, name="employment_employer_edit"),
    path(
        "employers/<int:pk>/account/",
        views.employer_account_page,
        name="employment_employer_account",
    ),
    path("unit/", views.home_employer, name="employment_home_employer"),
]
