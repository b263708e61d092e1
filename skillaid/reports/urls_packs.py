from django.urls import path

from . import views_packs

urlpatterns = [
    path("packs/", views_packs.pack_list, name="packs"),
    path("packs/start/", views_packs.pack_start, name="pack_start"),
    path("packs/<int:pk>/<str:fmt>/", views_packs.pack_file, name="pack_file"),
    path("submissions/", views_packs.submission_list, name="submissions"),
    path("deadlines/", views_packs.deadline_calendar, name="deadlines"),
    path("deadlines/rules/<int:pk>/", views_packs.deadline_rule_edit, name="deadline_rule_edit"),
]
