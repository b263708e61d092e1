"""The dashboard and the records behind each of its numbers."""

from django.urls import path

from . import views_dashboard as views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("people/", views.figure_people, name="figure_people"),
]
