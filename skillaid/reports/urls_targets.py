from django.urls import path

from . import views_targets as views

urlpatterns = [
    path("targets/", views.target_list, name="targets"),
    path("targets/<int:pk>/", views.target_edit, name="target_edit"),
    path("targets/<int:pk>/split/", views.target_split, name="target_split"),
    path("pairings/", views.pairing_progress, name="pairing_progress"),
]
