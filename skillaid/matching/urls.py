"""URLs of 精准比对, included under /matching/ by skillaid/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="matching"),
    path("snapshots/new/", views.snapshot_new, name="matching_snapshot_new"),
    path("snapshots/<int:pk>/", views.snapshot_detail, name="matching_snapshot"),
    path("snapshots/<int:pk>/run/", views.run_start, name="matching_run_start"),
    path("runs/<int:pk>/", views.run_detail, name="matching_run"),
    path("runs/<int:pk>/export.xlsx", views.run_export, name="matching_run_export"),
    path("runs/<int:pk>/accept/", views.run_accept_consistent, name="matching_run_accept"),
    path("review/", views.review_queue, name="matching_review"),
    path("review/<int:pk>/", views.review_item, name="matching_review_item"),
    path("keys/", views.keys_page, name="matching_keys"),
    path("keys/<int:pk>/export.csv", views.key_export, name="matching_key_export"),
    path("feedback/", views.feedback_page, name="matching_feedback"),
    path("feedback/export.xlsx", views.feedback_export, name="matching_feedback_export"),
]
