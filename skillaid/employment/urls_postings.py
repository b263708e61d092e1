"""Pages of the employment services' part: job postings (with their import) and fairs."""

from django.urls import path

from . import views_postings as views

urlpatterns = [
    path("postings/", views.postings_page, name="employment_postings"),
    path("postings/export.xlsx", views.postings_export, name="employment_postings_export"),
    path("postings/new/", views.posting_new, name="employment_posting_new"),
    path("postings/import/", views.posting_import, name="employment_posting_import"),
    path("postings/<int:pk>/", views.posting_page, name="employment_posting"),
    path("postings/<int:pk>/edit/", views.posting_edit, name="employment_posting_edit"),
    path("fairs/", views.fairs_page, name="employment_fairs"),
]
