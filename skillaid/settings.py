"""Settings, read from environment variables with safe defaults for the embedded SQLite mode."""

import os
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
VAR_DIR = Path(os.environ.get("SKILLAID_VAR", BASE_DIR / "var"))
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

# Resident ID numbers are encrypted with a key derived from this one; changing it
# makes stored numbers unreadable, so production keeps it apart from SECRET_KEY.
ID_NUMBER_KEY = os.environ.get("SKILLAID_ID_KEY", SECRET_KEY)

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "skillaid.regions",
    "skillaid.accounts",
    "skillaid.institutions",
    "skillaid.people",
    "skillaid.training",
    "skillaid.evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
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
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
# Lock the account, whatever address the guesses come from: county offices share one NAT address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
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

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

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
