from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from skillaid.accounts import audit_views, calendar_views, token_views
from skillaid.accounts import job_views as jobs
from skillaid.accounts import review_views as review
from skillaid.accounts import views as accounts
from skillaid.accounts.imports import views as import_views
from skillaid.api import api
from skillaid.catalogue import views as catalogue
from skillaid.evaluation import papers as evaluation_papers
from skillaid.evaluation import views as evaluation
from skillaid.institutions import capacity_views as capacity
from skillaid.institutions import views as inst
from skillaid.pairings import views as pairings
from skillaid.people import me_views as me
from skillaid.people import views as people
from skillaid.regions import views as regions
from skillaid.reports import desk
from skillaid.students import views as students
from skillaid.subsidies import application_views as subsidy_applications
from skillaid.subsidies import claim_views as subsidy_claims
from skillaid.subsidies import payout_views as payouts
from skillaid.subsidies import public_views as subsidy_public
from skillaid.subsidies import publication_views as subsidy_publications
from skillaid.subsidies import views as subsidies
from skillaid.training import class_views as classes

urlpatterns = [
    # First: attendance terminals call the API many times a second, and each request
    # tries the patterns in order.
    path("api/", api.urls),
    path("matching/", include("skillaid.matching.urls")),
    path("employment/", include("skillaid.employment.urls")),
    path("reports/", include("skillaid.reports.urls")),
    path("", desk.home, name="home"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The person themselves (本人): their record, and opening their account with a code.
    path("me/", me.me, name="me"),
    path("me/open/", me.me_open, name="me_open"),
    path("me/record.xlsx", evaluation.me_record_export, name="me_record"),
    path("me/record.pdf", evaluation_papers.me_record_pdf, name="me_record_pdf"),
    path("account/", accounts.account, name="account"),
    path("account/password/", accounts.password_change, name="password_change"),
    path("account/otp/", accounts.otp_verify, name="otp_verify"),
    path("account/otp/enrol/", accounts.otp_enrol, name="otp_enrol"),
    path("account/otp/recovery-codes/", accounts.recovery_codes, name="recovery_codes"),
    path("account/logout-everywhere/", accounts.logout_everywhere, name="logout_everywhere"),
    path("users/", accounts.user_list, name="users"),
    path("users/new/", accounts.user_create, name="user_create"),
    path("users/<int:pk>/edit/", accounts.user_edit, name="user_edit"),
    path(
        "users/<int:pk>/<slug:action>/",
        accounts.user_action,
        name="user_action",
    ),
    path("account/tokens/", token_views.token_list, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", token_views.token_revoke_view, name="token_revoke"),
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("review/", review.review_list, name="review_list"),
    path("calendar/", calendar_views.calendar_list, name="calendar"),
    path("calendar/new/", calendar_views.calendar_year_new, name="calendar_year_new"),
    path("calendar/<int:year>/", calendar_views.calendar_year, name="calendar_year"),
    path("calendar/<int:year>/edit/", calendar_views.calendar_year_edit, name="calendar_year_edit"),
    path("ledger/", people.ledger_list, name="ledger"),
    path("ledger/export.xlsx", people.ledger_export, name="ledger_export"),
    path("people/new/", people.person_create, name="person_create"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:pk>/facts/", people.person_fact_check, name="person_fact_check"),
    path("people/<int:pk>/reveal-id/", people.person_reveal_id, name="person_reveal_id"),
    path("people/<int:pk>/account/<slug:action>/", me.person_account, name="person_account"),
    path("imports/", people.import_start, name="import_start"),
    path("imports/history/", import_views.import_history, name="import_history"),
    path("imports/history/<int:pk>/", import_views.import_detail, name="import_detail"),
    path(
        "imports/history/<int:pk>/report.xlsx",
        import_views.import_report,
        name="import_record_report",
    ),
    path("jobs/", jobs.job_list, name="job_list"),
    path("jobs/<int:pk>/", jobs.job_detail, name="job"),
    path("jobs/<int:pk>/report.xlsx", jobs.job_report, name="job_report"),
    # The addresses of ledger imports before every import became a job; the same jobs.
    path("imports/<int:pk>/", jobs.job_detail, name="import_job"),
    path("imports/<int:pk>/report.xlsx", jobs.job_report, name="import_report"),
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
    path("pairings/", pairings.pairing_map, name="pairings"),
    path("pairings/export.xlsx", pairings.pairing_export, name="pairing_export"),
    path("pairings/new/", pairings.pairing_create, name="pairing_create"),
    path("pairings/<int:pk>/", pairings.pairing_detail, name="pairing_detail"),
    path("pairings/<int:pk>/end/", pairings.pairing_end, name="pairing_end"),
    path("pairings/<int:pk>/plan/", pairings.pairing_plan, name="pairing_plan"),
    path("pairings/<int:pk>/summary/", pairings.pairing_summary, name="pairing_summary"),
    path("pairings/<int:pk>/agreement/", pairings.pairing_agreement, name="pairing_agreement"),
    path(
        "pairings/<int:pk>/agreement/file",
        pairings.pairing_agreement_file,
        name="pairing_agreement_file",
    ),
    path("counties/<str:code>/", pairings.county_page, name="county"),
    path("claims/", subsidy_claims.claims_page, name="claims"),
    path("claims/export.xlsx", subsidy_claims.claims_export, name="claims_export"),
    path("claims/<int:pk>/", subsidy_claims.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/review/", subsidy_claims.claim_review, name="claim_review"),
    path("claims/<int:pk>/recompute/", subsidy_claims.claim_recompute, name="claim_recompute"),
    # A person's skill-upgrading application and an enterprise's apprentice list.
    path("claims/upgrading/new/", subsidy_applications.upgrading_new, name="upgrading_new"),
    path(
        "claims/upgrading/awaiting/",
        subsidy_applications.upgrading_awaiting,
        name="upgrading_awaiting",
    ),
    path(
        "claims/apprentices/import/",
        subsidy_applications.apprentice_import,
        name="apprentice_import",
    ),
    path(
        "claims/<int:pk>/attachment/",
        subsidy_applications.claim_attachment,
        name="claim_attachment",
    ),
    # Payment (发放) and budgets (资金).
    path("batches/", payouts.batches_page, name="batches"),
    path("batches/new/", payouts.batch_build, name="batch_build"),
    path("batches/<int:pk>/", payouts.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/lock/", payouts.batch_lock, name="batch_lock"),
    path("batches/<int:pk>/withdraw/", payouts.batch_withdraw, name="batch_withdraw"),
    path("batches/<int:pk>/export/", payouts.batch_export, name="batch_export"),
    path("batches/<int:pk>/bank-file.xlsx", payouts.batch_file, name="batch_file"),
    path("batches/<int:pk>/result/", payouts.batch_result, name="batch_result"),
    path("payments/<int:pk>/reverse/", payouts.payment_reverse, name="payment_reverse"),
    path("budgets/", payouts.budgets_page, name="budgets"),
    path("budgets/<int:pk>/", payouts.budget_edit, name="budget_edit"),
    path("people/<int:pk>/bank-account/", payouts.person_account, name="person_account"),
    path(
        "institutions/<int:pk>/bank-account/",
        payouts.institution_account,
        name="institution_account",
    ),
    path(
        "enterprises/<str:uscc>/bank-account/",
        payouts.enterprise_account,
        name="enterprise_account",
    ),
    path("policies/", subsidies.rule_list, name="policy_rules"),
    path("policies/export.xlsx", subsidies.rule_export, name="policy_rule_export"),
    path("policies/new/", subsidies.rule_create, name="policy_rule_create"),
    path("policies/<slug:code>/", subsidies.rule_detail, name="policy_rule"),
    path("policies/<slug:code>/edit/", subsidies.rule_edit, name="policy_rule_edit"),
    path("policies/<slug:code>/trials/<int:pk>/", subsidies.rule_trial, name="policy_rule_trial"),
    # Publication (补贴公示) and objections: staff pages, and the public list without login.
    path("publications/", subsidy_publications.publications_page, name="publications"),
    path("publications/new/", subsidy_publications.publication_new, name="publication_new"),
    path(
        "publications/<int:pk>/",
        subsidy_publications.publication_detail,
        name="publication_detail",
    ),
    path("objections/", subsidy_publications.objections_page, name="objections"),
    path(
        "objections/<int:pk>/resolve/",
        subsidy_publications.objection_resolve_view,
        name="objection_resolve",
    ),
    path("public/publications/", subsidy_public.publications_public, name="public_publications"),
    path(
        "public/publications/<int:pk>/",
        subsidy_public.publication_public,
        name="public_publication",
    ),
    path("", include("skillaid.students.care_urls")),
    path("regions/", regions.region_search, name="regions"),
    path("capacity/", capacity.capacity_list, name="capacity_list"),
    path("capacity/export.xlsx", capacity.capacity_export, name="capacity_export"),
    path("capacity/new/", capacity.capacity_create, name="capacity_create"),
    path("capacity/<int:pk>/edit/", capacity.capacity_edit, name="capacity_edit"),
    path("catalogue/", catalogue.catalogue_list, name="catalogue"),
    path("catalogue/export.xlsx", catalogue.catalogue_export, name="catalogue_export"),
    path("catalogue/new/", catalogue.catalogue_edit, name="catalogue_create"),
    path("catalogue/<int:pk>/edit/", catalogue.catalogue_edit, name="catalogue_edit"),
    path("catalogue/import/", catalogue.catalogue_import, name="catalogue_import"),
    path("classes/", classes.class_list, name="classes"),
    path("classes/new/", classes.class_create, name="class_create"),
    path("classes/export.xlsx", classes.class_export, name="class_export"),
    path("classes/<int:pk>/", classes.class_detail, name="class_detail"),
    path("classes/<int:pk>/edit/", classes.class_edit, name="class_edit"),
    path("classes/<int:pk>/declare/", classes.class_declare, name="class_declare"),
    path("classes/<int:pk>/review/", classes.class_review, name="class_review"),
    path("classes/<int:pk>/roster/", classes.roster_add, name="roster_add"),
    path("roster/<int:pk>/remove/", classes.roster_remove, name="roster_remove"),
    path("classes/<int:pk>/accounts/", classes.roster_accounts, name="roster_accounts"),
    path("classes/<int:pk>/accounts/slips/", classes.roster_slips, name="roster_slips"),
    path(
        "roster/<int:pk>/account/<slug:action>/",
        classes.roster_account,
        name="roster_account",
    ),
    path("classes/<int:pk>/completion/", classes.class_completion, name="class_completion"),
    path("classes/<int:pk>/close/", classes.class_close, name="class_close"),
    path("classes/<int:pk>/papers/<slug:kind>.<slug:fmt>", classes.class_paper, name="class_paper"),
    path(
        "classes/<int:pk>/certificates/", evaluation.class_certificates, name="class_certificates"
    ),
    path("sessions/<int:pk>/", classes.session_run, name="session_run"),
    path("sessions/<int:pk>/live/", classes.session_live, name="session_live"),
    path("sessions/<int:pk>/projector/", classes.session_projector, name="session_projector"),
    path("sessions/<int:pk>/mark/", classes.session_mark, name="session_mark"),
    path(
        "sessions/<int:pk>/flags/<int:record>/",
        classes.session_flag_settle,
        name="session_flag_settle",
    ),
    path("sign/<int:pk>/", classes.sign, name="sign"),
    path("certificates/", evaluation.certificate_list, name="certificates"),
    path("certificates/import/", evaluation.certificate_import, name="certificate_import"),
    path("certificates/export.xlsx", evaluation.certificate_export, name="certificate_export"),
    path("certificates/<int:pk>/revoke/", evaluation.certificate_revoke, name="certificate_revoke"),
    path(
        "certificates/<int:pk>/certificate.pdf",
        evaluation_papers.certificate_pdf,
        name="certificate_pdf",
    ),
    path("verify/", evaluation.verify, name="verify"),
    path("people/<int:pk>/record.xlsx", evaluation.person_record_export, name="person_record"),
    path(
        "people/<int:pk>/record.pdf", evaluation_papers.person_record_pdf, name="person_record_pdf"
    ),
    # Technical-school students (学籍), their aid claims and graduates seeking work.
    path("students/", students.student_list_page, name="students"),
    path("students/new/", students.student_enrol_page, name="student_enrol"),
    path("students/export.xlsx", students.student_export, name="student_export"),
    path("students/import/", students.student_import, name="student_import"),
    path("students/aid/", students.student_aid_claims, name="student_aid_claims"),
    path("students/graduates/", students.graduates_page, name="graduates_seeking_work"),
    path("students/<int:pk>/", students.student_detail, name="student_detail"),
    path("students/<int:pk>/status/", students.student_status_page, name="student_status"),
    path("students/<int:pk>/graduate/", students.student_graduate_page, name="student_graduate"),
    # The admin signs in through SkillAid's own login and code step, never a second form.
    path("admin/login/", accounts.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
]

handler404 = "skillaid.errors.not_found"
handler500 = "skillaid.errors.server_error"
handler403 = "skillaid.errors.forbidden"
