from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from skillaid.accounts.views import LoginView
from skillaid.api import api
from skillaid.people import views as people

urlpatterns = [
    path("", people.home, name="home"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("ledger/", people.ledger_list, name="ledger"),
    path("ledger/export.xlsx", people.ledger_export, name="ledger_export"),
    path("people/new/", people.person_create, name="person_create"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:pk>/reveal-id/", people.person_reveal_id, name="person_reveal_id"),
    path("imports/", people.import_start, name="import_start"),
    path("imports/<int:pk>/", people.import_job, name="import_job"),
    path("imports/<int:pk>/report.xlsx", people.import_report, name="import_report"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "skillaid.errors.not_found"
handler500 = "skillaid.errors.server_error"
handler403 = "skillaid.errors.forbidden"
