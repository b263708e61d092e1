from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from skillaid.accounts.views import LoginView
from skillaid.api import api
from skillaid.institutions import views as inst
from skillaid.people import views as people
from skillaid.training import views as training

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
    path("institutions/", inst.institution_list, name="institutions"),
    path("institutions/export.xlsx", inst.institution_export, name="institution_export"),
    path("institutions/new/", inst.institution_create, name="institution_create"),
    path("institutions/<int:pk>/", inst.institution_detail, name="institution_detail"),
    path("institutions/<int:pk>/edit/", inst.institution_edit, name="institution_edit"),
    path("institutions/<int:pk>/status/", inst.institution_status, name="institution_status"),
    path(
        "institutions/<int:pk>/occupations/",
        inst.institution_occupation,
        name="institution_occupation",
    ),
    path("pairings/", inst.pairing_map, name="pairings"),
    path("pairings/export.xlsx", inst.pairing_export, name="pairing_export"),
    path("pairings/<int:pk>/", inst.pairing_detail, name="pairing_detail"),
    path("pairings/<int:pk>/plan/", inst.pairing_plan, name="pairing_plan"),
    path("pairings/<int:pk>/summary/", inst.pairing_summary, name="pairing_summary"),
    path("pairings/<int:pk>/agreement/", inst.pairing_agreement, name="pairing_agreement"),
    path(
        "pairings/<int:pk>/agreement/file",
        inst.pairing_agreement_file,
        name="pairing_agreement_file",
    ),
    path("counties/<str:code>/", inst.county_page, name="county"),
    path("capacity/", inst.capacity_list, name="capacity_list"),
    path("capacity/export.xlsx", inst.capacity_export, name="capacity_export"),
    path("capacity/new/", inst.capacity_create, name="capacity_create"),
    path("capacity/<int:pk>/edit/", inst.capacity_edit, name="capacity_edit"),
    path("catalogue/", training.catalogue_list, name="catalogue"),
    path("catalogue/export.xlsx", training.catalogue_export, name="catalogue_export"),
    path("catalogue/new/", training.catalogue_edit, name="catalogue_create"),
    path("catalogue/<int:pk>/edit/", training.catalogue_edit, name="catalogue_edit"),
    path("catalogue/import/", training.catalogue_import, name="catalogue_import"),
    path("catalogue/import/report.xlsx", training.catalogue_report, name="catalogue_report"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "skillaid.errors.not_found"
handler500 = "skillaid.errors.server_error"
handler403 = "skillaid.errors.forbidden"
