"""Settings, read from environment variables with safe defaults for the embedded SQLite mode."""

import os
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
VAR_DIR = Path(os.environ.get("SKILLAID_VAR", BASE_DIR / "var"))
# Everything SkillAid writes (the SQLite database, uploaded ledgers, problem-row reports,
# backups, keys) holds personal data or what unlocks it: readable by its own user only.
os.umask(0o077)
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # The embedded mode keeps a random key on disk so that a fresh machine needs
    # no configuration; production sets SECRET_KEY in the environment.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        import secrets

        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

# The ID key seals resident ID numbers (and keys backups); it is never derived from
# SECRET_KEY, which may be changed at will. Production sets SKILLAID_ID_KEY; the
# embedded mode keeps it in var/id_key, which `skillaid setup` creates only while the
# database holds no sealed data (it never replaces a lost key with a new one). The
# database stores the key's check value and every process refuses to start with
# another key: see skillaid/accounts/keys.py.
SKILLAID_ID_KEY = os.environ.get("SKILLAID_ID_KEY", "")
SKILLAID_ID_KEY_FILE = Path(os.environ.get("SKILLAID_ID_KEY_FILE", VAR_DIR / "id_key"))
# During `skillaid rotate-id-key`, the key being replaced; readable until the rotation ends.
SKILLAID_ID_KEY_OLD = os.environ.get("SKILLAID_ID_KEY_OLD", "")
SKILLAID_ID_KEY_OLD_FILE = Path(os.environ.get("SKILLAID_ID_KEY_OLD_FILE", VAR_DIR / "id_key.old"))

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    # First: its `check` and `db_worker` commands replace Django's and django-tasks-db's
    # (the first app to name a command wins). It sits on top of every other app.
    "skillaid.ops",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "skillaid.ops.thirdparty.AxesConfig",  # axes, its names translated (see ops.thirdparty)
    "django_otp",
    "skillaid.ops.thirdparty.TOTPConfig",  # django_otp.plugins.otp_totp
    "skillaid.ops.thirdparty.StaticConfig",  # django_otp.plugins.otp_static
    "django_tasks",
    "skillaid.ops.thirdparty.TasksConfig",  # django_tasks_db
    # Listed so that /api/docs serves Swagger UI from our static files, not a CDN:
    # the users' networks are often closed.
    "ninja",
    "skillaid.regions",
    "skillaid.accounts",
    "skillaid.people",
    "skillaid.catalogue",
    "skillaid.institutions",
    "skillaid.pairings",
    "skillaid.training",
    "skillaid.evaluation",
    "skillaid.subsidies",
    "skillaid.students",
    "skillaid.matching",
    "skillaid.employment",
    "skillaid.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # After the user and their device are known: timeouts, logout everywhere, the code
    # step and a password that must be changed stand before every other page.
    "skillaid.accounts.middleware.AccountGateMiddleware",
]

ROOT_URLCONF = "skillaid.urls"
WSGI_APPLICATION = "skillaid.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'skillaid.sqlite3'}")
# Connections are kept between requests on both databases: opening a SQLite connection
# runs the PRAGMAs below and closing the last one checkpoints the WAL, each time.
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while an import or a worker writes.
        "init_command": (
            # 16 KB pages (taken only by a new, empty database) halve the pages a
            # large import writes.
            "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            # Imports insert into indexes on random keys (the ID blind index): a 32 MB
            # page cache keeps them in memory instead of re-reading pages per row.
            " PRAGMA cache_size=-32768; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and os.environ.get(
    "SKILLAID_PG_PREPARED", "1"
) not in ("0", "false", "off"):
    # Parameters bound on the server, and a statement run a few times on a connection
    # prepared there: PostgreSQL then parses and plans what attendance terminals send
    # many times a second once per connection, which about doubles their throughput.
    # Behind a pooler in transaction mode (PgBouncer before 1.21), set SKILLAID_PG_PREPARED=0.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# 等保 2.0 level 3: at least 10 characters of three of the four classes, not a common
# password, not like the username or the name. Checked wherever a person chooses a password.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "skillaid.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "skillaid.accounts.passwords.CharacterClassesValidator"},
    {"NAME": "skillaid.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "skillaid.accounts.passwords.UserAttributeSimilarityValidator"},
    # A person's own account: nothing of their ID number (skillaid.people.passwords).
    {"NAME": "skillaid.people.passwords.IdNumberValidator"},
]
# A password older than this many days must be changed at the next login; 0 = never expires.
SKILLAID_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("SKILLAID_PASSWORD_MAX_AGE_DAYS", "90"))
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
# How many reverse proxies of ours stand in front of the server (0: served directly); the
# client's address is then read from X-Forwarded-For (skillaid/accounts/clientip.py).
SKILLAID_PROXY_COUNT = int(os.environ.get("SKILLAID_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "skillaid.accounts.clientip.client_ip"
# Lock the account, whatever address the guesses come from: county offices share one NAT address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Sessions end after this many minutes without a request, and this many hours after the
# login whatever the activity (checked by AccountGateMiddleware).
SKILLAID_SESSION_IDLE_MINUTES = int(os.environ.get("SKILLAID_SESSION_IDLE_MINUTES", "30"))
SKILLAID_SESSION_MAX_HOURS = int(os.environ.get("SKILLAID_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = SKILLAID_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Second factor: city and province reviewers and administrators must use one (see
# skillaid.accounts.models.User.needs_second_factor). A wrong code makes the device wait
# 1, 2, 4, 8 ... seconds before the next try (django-otp's throttle, kept in the database).
OTP_TOTP_ISSUER = os.environ.get("SKILLAID_OTP_ISSUER", "SkillAid 技能帮扶")
OTP_TOTP_THROTTLE_FACTOR = 1
# The admin site never shows a device's secret or recovery codes: whoever sees them can
# pass that user's second factor.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_STATIC_THROTTLE_FACTOR = 1

# HTTPS. A deployment serves SkillAid behind HTTPS, so with DEBUG off cookies are Secure,
# plain http is redirected and HSTS is sent. The embedded mode on 127.0.0.1 (`make run`,
# the tests) serves plain http and says so with SKILLAID_HTTPS=0.
SKILLAID_HTTPS = env_bool("SKILLAID_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = SKILLAID_HTTPS
CSRF_COOKIE_SECURE = SKILLAID_HTTPS
SECURE_SSL_REDIRECT = SKILLAID_HTTPS
SECURE_HSTS_SECONDS = int(
    os.environ.get("SKILLAID_HSTS_SECONDS", str(365 * 24 * 3600 if SKILLAID_HTTPS else 0))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SKILLAID_HSTS_SUBDOMAINS", True)
# Preloading binds the whole domain (often a shared gov.cn one) in browsers for years: the
# operator of the domain decides it, so it is off unless asked for, and its check is silenced.
SECURE_HSTS_PRELOAD = env_bool("SKILLAID_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS.append("security.W021")
# Behind a proxy that ends TLS: SKILLAID_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO makes
# Django trust that header's "https" (only set it when the proxy always sets the header).
if os.environ.get("SKILLAID_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (os.environ["SKILLAID_PROXY_SSL_HEADER"], "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# What the third-party apps leave untranslated (axes, django-tasks-db, django-otp, a few
# strings of the admin), in Simplified Chinese: shipped compiled, built by `make messages`.
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Uploaded files, generated files and imports run as jobs.
# Uploaded ledgers and the rejected-rows reports hold whole ID numbers in plain text: they
# are deleted this many days after their job ends (`skillaid purge-files`), and so is any
# other file left under MEDIA_ROOT's imports/, reports/ and exports/ folders.
SKILLAID_FILE_RETENTION_DAYS = int(os.environ.get("SKILLAID_FILE_RETENTION_DAYS", "30"))
# `skillaid serve` has the task worker purge files past their time at start and then this often.
SKILLAID_PURGE_INTERVAL_HOURS = float(os.environ.get("SKILLAID_PURGE_INTERVAL_HOURS", "24"))
# `skillaid serve` has the task worker rebuild the figures (reports.tally) this often, so
# desks and dashboards are never more than a few minutes behind the records.
# Each time only the recent months (this and last) are rebuilt, which stays cheap at a
# province's size; every SKILLAID_TALLY_FULL_MINUTES every month is, so a change to an
# older month's record (a certificate revoked, a person moved) is counted within that.
SKILLAID_TALLY_MINUTES = float(os.environ.get("SKILLAID_TALLY_MINUTES", "4"))
SKILLAID_TALLY_FULL_MINUTES = float(os.environ.get("SKILLAID_TALLY_FULL_MINUTES", "60"))
# ... and records the notices of work falling due this often (each notice once).
SKILLAID_DUE_NOTICES_HOURS = float(os.environ.get("SKILLAID_DUE_NOTICES_HOURS", "6"))
# An upload larger than this is refused before it is kept.
SKILLAID_UPLOAD_MAX_MB = int(os.environ.get("SKILLAID_UPLOAD_MAX_MB", "20"))
# A file with more rows than this (header included) is refused: split it.
SKILLAID_UPLOAD_MAX_ROWS = int(os.environ.get("SKILLAID_UPLOAD_MAX_ROWS", "300000"))
# A workbook (a zip) whose entries expand beyond this, or beyond this many times its own
# size (above 16 MB expanded), is refused before it is opened: a zip bomb takes gigabytes.
SKILLAID_UPLOAD_MAX_EXPANDED_MB = int(os.environ.get("SKILLAID_UPLOAD_MAX_EXPANDED_MB", "400"))
SKILLAID_UPLOAD_MAX_RATIO = float(os.environ.get("SKILLAID_UPLOAD_MAX_RATIO", "100"))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("SKILLAID_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

SKILLAID_PAGE_SIZE = 50

# API tokens: the days a new token lasts unless its issuer chooses (1 to 3650), and how
# often a token's use is recorded (its "last used" time and one audit entry with the route):
# at most once per this many seconds, so that a terminal's sign-ins cost no write each.
SKILLAID_TOKEN_DAYS = int(os.environ.get("SKILLAID_TOKEN_DAYS", "365"))
SKILLAID_TOKEN_USE_SECONDS = int(os.environ.get("SKILLAID_TOKEN_USE_SECONDS", "60"))
# The audit log is kept at least this many days before `skillaid audit archive` may move
# entries to a file (等保 2.0 asks for six months; the PostgreSQL trigger refuses younger deletes).
SKILLAID_AUDIT_KEEP_DAYS = max(int(os.environ.get("SKILLAID_AUDIT_KEEP_DAYS", "183")), 183)

# Training classes. Each can be overridden per deployment; other provinces set other numbers.
SKILLAID_CLASS_LEAD_DAYS = int(os.environ.get("SKILLAID_CLASS_LEAD_DAYS", "7"))
SKILLAID_ATTENDANCE_THRESHOLD = int(os.environ.get("SKILLAID_ATTENDANCE_THRESHOLD", "80"))
# Sign-in opens this many minutes before a session starts and closes when it ends.
SKILLAID_SIGN_IN_EARLY_MINUTES = int(os.environ.get("SKILLAID_SIGN_IN_EARLY_MINUTES", "15"))
# Sign-out is taken from this many minutes before a session ends until this many after.
SKILLAID_SIGN_OUT_LATE_MINUTES = int(os.environ.get("SKILLAID_SIGN_OUT_LATE_MINUTES", "15"))
# A teacher may mark attendance by hand until this many hours after a session ends.
SKILLAID_MANUAL_MARK_HOURS = int(os.environ.get("SKILLAID_MANUAL_MARK_HOURS", "24"))
# The sign-in code rotates every this many seconds; the previous code is still taken.
SKILLAID_CODE_SECONDS = 30
# This many trainees signed in from one device within this many minutes are flagged for review.
SKILLAID_DEVICE_FLAG_PEOPLE = int(os.environ.get("SKILLAID_DEVICE_FLAG_PEOPLE", "3"))
SKILLAID_DEVICE_FLAG_MINUTES = int(os.environ.get("SKILLAID_DEVICE_FLAG_MINUTES", "5"))

# Text messages (the code that opens a person's own account): the backend's dotted path.
# The console backend prints each message (development and the embedded mode on plain
# http); served over HTTPS, nothing is sent until a deployment names its gateway's backend
# (see skillaid/accounts/sms.py), so that no code is ever printed into a server's log.
SKILLAID_SMS_BACKEND = os.environ.get(
    "SKILLAID_SMS_BACKEND",
    "skillaid.accounts.sms.DisabledBackend"
    if SKILLAID_HTTPS
    else "skillaid.accounts.sms.ConsoleBackend",
)
# A code that opens a person's own account lasts this many days, and is void after this
# many wrong tries; an address that fails this many times an hour must wait.
SKILLAID_ACCOUNT_CODE_DAYS = int(os.environ.get("SKILLAID_ACCOUNT_CODE_DAYS", "30"))
SKILLAID_ACCOUNT_CODE_TRIES = int(os.environ.get("SKILLAID_ACCOUNT_CODE_TRIES", "5"))
SKILLAID_ACCOUNT_OPEN_FAILURES_PER_HOUR = int(
    os.environ.get("SKILLAID_ACCOUNT_OPEN_FAILURES_PER_HOUR", "10")
)

# `skillaid check --ops`: a job waiting longer than this is a warning (is the worker running?),
# and free disk space under SKILLAID_VAR below this is a failure (below twice this, a warning).
SKILLAID_CHECK_JOB_MINUTES = int(os.environ.get("SKILLAID_CHECK_JOB_MINUTES", "30"))
SKILLAID_CHECK_MIN_FREE_MB = int(os.environ.get("SKILLAID_CHECK_MIN_FREE_MB", "1024"))

# The address citizens reach SkillAid at (https://skillaid.example.gov.cn), printed as the QR
# code and link on a certificate for its public check on /verify/. Empty: the address the
# certificate was downloaded from, right when staff and the public use the same one.
SKILLAID_PUBLIC_URL = os.environ.get("SKILLAID_PUBLIC_URL", "").rstrip("/")
