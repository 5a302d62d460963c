"""Every setting tongban has, with a default that works on a laptop; read from the environment."""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from tongban.conf.env import (
    database_from_url,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
    file_storage_from_env,
)

SOURCE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = SOURCE_DIR.parent.parent

# Everything an instance writes lives in its data folder: the SQLite database, uploaded
# files, the ports its helper processes chose. Two instances with two folders run side by side.
DATA_DIR = Path(env_str("TONGBAN_DATA_DIR", str(PROJECT_DIR / "var"))).resolve()

SECRET_KEY = env_str(
    "TONGBAN_SECRET_KEY", "dev-only-insecure-key-change-me-in-production"
)
DEBUG = env_bool("TONGBAN_DEBUG", False)
ALLOWED_HOSTS = env_list("TONGBAN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("TONGBAN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "tongban.web.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "tongban.core",
    "tongban.ops",
    "tongban.workdays",
    "tongban.catalog",
    "tongban.audit",
    "tongban.contrib",
    "tongban.accounts",
    "tongban.cases",
    "tongban.notifications",
    "tongban.web",
    "tongban.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tongban.core.headers.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "tongban.api.middleware.ApiLanguageMiddleware",
    "tongban.api.middleware.ApiMethodNotAllowedMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tongban.accounts.middleware.IdleTimeoutMiddleware",
    "tongban.accounts.middleware.ActingForMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "tongban.urls"
WSGI_APPLICATION = "tongban.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tongban.web.context_processors.languages",
                "tongban.web.context_processors.staff_permissions",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("TONGBAN_DATABASE_URL", "sqlite:///tongban.sqlite3"), data_dir=DATA_DIR
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": env_str("TONGBAN_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "accounts:login"
# Passwords as Django checks them; then what a staff member's roles allow in the admin site
# (accounts/permissions.py, 三员分立) — roles are the one place staff are given rights.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "tongban.accounts.backends.StaffRoleBackend",
]
SESSION_COOKIE_AGE = 8 * 3600  # an absolute ceiling; idle sessions end much sooner
SESSION_SAVE_EVERY_REQUEST = False

# Mail goes over SMTP: to TONGBAN_SMTP_HOST, or else to the local SMTP stand-in.
SMTP_HOST_CONFIGURED = bool(env_str("TONGBAN_SMTP_HOST", ""))
EMAIL_BACKEND = "tongban.contrib.mail.StandinAwareSmtpBackend"
EMAIL_HOST = env_str("TONGBAN_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = env_int("TONGBAN_SMTP_PORT", 25)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("TONGBAN_MAIL_FROM", "noreply@tongban.localhost")

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [SOURCE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TONGBAN_TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Front-end packages come from npm (package.json + lock) and are served by the app itself:
# the platform must work inside an isolated government network, so there is no CDN.
NODE_MODULES = PROJECT_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    # pdf.js, the viewer of PDFs: its build, and what it fetches for some PDFs (character
    # maps, the standard fonts, the WebAssembly image decoders, colour profiles)
    *(
        (f"vendor/pdfjs/{part}", NODE_MODULES / "pdfjs-dist" / part)
        for part in ("build", "cmaps", "standard_fonts", "wasm", "iccs")
    ),
]
# Uploaded files: in the data folder's media/, or with TONGBAN_S3_BUCKET in a private bucket
# of S3-compatible object storage (TONGBAN_S3_*; see conf/env.py). The code is the same.
STORAGES = {
    "default": file_storage_from_env(data_dir=DATA_DIR),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("TONGBAN_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "tongban.web.views.csrf_failure"  # Django's own page styles inline
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("TONGBAN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- tongban's own settings -------------------------------------------------------------

# The platform clock may be moved (tests, demos, `tongban tick --now`) only where this is on.
TONGBAN_CLOCK_ADJUSTABLE = env_bool("TONGBAN_CLOCK_ADJUSTABLE", False)
# Seconds after which a silent worker or scheduler is reported as stale by /healthz.
TONGBAN_HEARTBEAT_STALE_SECONDS = env_int("TONGBAN_HEARTBEAT_STALE_SECONDS", 180)
# Seconds the scheduler sleeps between passes.
TONGBAN_SCHEDULER_INTERVAL = env_int("TONGBAN_SCHEDULER_INTERVAL", 10)
# From this month on, /healthz and the admin warn when next year's calendar is missing.
TONGBAN_CALENDAR_WARNING_MONTH = env_int("TONGBAN_CALENDAR_WARNING_MONTH", 10)

# Personal data at rest (see tongban.core.protect): a 32-byte base64 key, and the suite —
# "aes" (AES-256-GCM, HMAC-SHA256) or "sm" (SM4-GCM, HMAC-SM3, the national suite).
DATA_KEY = env_str("TONGBAN_DATA_KEY", "")
# Keys of the ring that are read, never written (comma-separated, the same form): the old
# key during `tongban keys rotate`, until `tongban keys status` says nothing refers to it.
DATA_KEY_PREVIOUS = env_list("TONGBAN_DATA_KEY_PREVIOUS", [])
CRYPTO_SUITE = env_str("TONGBAN_CRYPTO_SUITE", "aes")
# Outside systems (tongban.contrib; docs/decisions/0015-outside-system-backends.md).
# Each at its configured URL, else at the local stand-ins' recorded port.
OUTSIDE_SYSTEMS = {
    "sms": env_str("TONGBAN_SMS_URL", ""),
    "population": env_str("TONGBAN_POPULATION_URL", ""),
    "exit_entry": env_str("TONGBAN_EXIT_ENTRY_URL", ""),
    "legal_entity": env_str("TONGBAN_LEGAL_ENTITY_URL", ""),
    "audit_sink": env_str("TONGBAN_AUDIT_SINK_URL", ""),
}
# The class that answers for each: a dotted path, as EMAIL_BACKEND; one SMS gateway, and
# the registries by name (several live at once). The HTTP clients serve real and stand-in.
SMS_BACKEND = env_str("TONGBAN_SMS_BACKEND", "tongban.contrib.sms.http.HttpSmsGateway")
REGISTRY_BACKENDS = {
    "population": env_str(
        "TONGBAN_POPULATION_BACKEND",
        "tongban.contrib.registries.http.HttpPopulationRegistry",
    ),
    "exit_entry": env_str(
        "TONGBAN_EXIT_ENTRY_BACKEND",
        "tongban.contrib.registries.http.HttpPersonRegistry",
    ),
    "legal_entity": env_str(
        "TONGBAN_LEGAL_ENTITY_BACKEND",
        "tongban.contrib.registries.http.HttpEntityRegistry",
    ),
}
# Where audit checkpoints are shipped off the machine (tongban.contrib.auditsink); "" for
# nowhere, which production refuses (tongban.audit's system check).
AUDIT_SINK_BACKEND = env_str(
    "TONGBAN_AUDIT_SINK_BACKEND", "tongban.contrib.auditsink.http.HttpAuditSink"
)
# Their HTTP calls: seconds to connect and to wait for each read; how many times a call
# that failed is tried again (GET and HEAD; any method only if the request was never sent);
# connections kept open per host and process.
OUTSIDE_SYSTEM_CONNECT_TIMEOUT = env_float(
    "TONGBAN_OUTSIDE_SYSTEM_CONNECT_TIMEOUT", 3.0
)
OUTSIDE_SYSTEM_READ_TIMEOUT = env_float("TONGBAN_OUTSIDE_SYSTEM_READ_TIMEOUT", 5.0)
OUTSIDE_SYSTEM_RETRIES = env_int("TONGBAN_OUTSIDE_SYSTEM_RETRIES", 2)
OUTSIDE_SYSTEM_POOL_SIZE = env_int("TONGBAN_OUTSIDE_SYSTEM_POOL_SIZE", 10)
# `tongban standins` listens on these ports (0: a free one, recorded in the data folder);
# fixed where an address must survive restarts (a URL written into a certificate).
STANDINS_PORT = env_int("TONGBAN_STANDINS_PORT", 0)
STANDINS_SMTP_PORT = env_int("TONGBAN_STANDINS_SMTP_PORT", 0)
# Abuse limits (tongban.accounts.services.limits says why each is what it is). SMS codes
# people ask for: per client address (core/remote.client_address: behind our proxy, the one it saw) in
# (sends, seconds) windows; per phone one every SMS_CODE_RESEND_SECONDS and at most
# SMS_CODES_PER_PHONE_PER_DAY in 24 hours; and a ceiling on all code sends of the platform,
# (sends, seconds), beyond which every send is refused and an alarm raised, once a window.
# Platform notifications (the outbox) are not codes and are never limited by these.
SMS_CODES_PER_ADDRESS = [
    (env_int("TONGBAN_SMS_CODES_PER_ADDRESS_10_MINUTES", 5), 600),
    (env_int("TONGBAN_SMS_CODES_PER_ADDRESS_DAY", 20), 86_400),
]
SMS_CODE_RESEND_SECONDS = env_int("TONGBAN_SMS_CODE_RESEND_SECONDS", 60)
SMS_CODES_PER_PHONE_PER_DAY = env_int("TONGBAN_SMS_CODES_PER_PHONE_PER_DAY", 10)
SMS_CODES_CEILING = (env_int("TONGBAN_SMS_CODES_CEILING_PER_MINUTE", 1000), 60)
# Logins, counted per account however the login is spelled. Applicants: after
# LOGIN_DELAY_AFTER_FAILURES failures each further try waits a delay that doubles from
# LOGIN_DELAY_FIRST_SECONDS up to LOGIN_DELAY_MAX_SECONDS; failures are forgotten after
# LOGIN_FAILURES_FORGOTTEN_SECONDS without one. Staff: STAFF_LOCK_AFTER_FAILURES failures
# lock the account for STAFF_LOCK_SECONDS (等保 2.0). Per client address: at most
# (failures, seconds) failed logins, whatever accounts they were against.
LOGIN_DELAY_AFTER_FAILURES = env_int("TONGBAN_LOGIN_DELAY_AFTER_FAILURES", 5)
LOGIN_DELAY_FIRST_SECONDS = env_int("TONGBAN_LOGIN_DELAY_FIRST_SECONDS", 1)
LOGIN_DELAY_MAX_SECONDS = env_int("TONGBAN_LOGIN_DELAY_MAX_SECONDS", 900)
LOGIN_FAILURES_FORGOTTEN_SECONDS = env_int(
    "TONGBAN_LOGIN_FAILURES_FORGOTTEN_SECONDS", 86_400
)
STAFF_LOCK_AFTER_FAILURES = env_int("TONGBAN_STAFF_LOCK_AFTER_FAILURES", 5)
STAFF_LOCK_SECONDS = env_int("TONGBAN_STAFF_LOCK_SECONDS", 900)
LOGIN_FAILURES_PER_ADDRESS = (
    env_int("TONGBAN_LOGIN_FAILURES_PER_ADDRESS_10_MINUTES", 30),
    600,
)
# How many proxies of ours stand in front of the web process, each appending to
# X-Forwarded-For (core/remote.py: the client's address is read from there, never REMOTE_ADDR
# alone, behind them); 0 here — production counts its TLS-terminating proxy.
TRUSTED_PROXY_HOPS = env_int("TONGBAN_TRUSTED_PROXY_HOPS", 0)
# The networks those proxies are in (empty: any address, for a web process that only the
# proxy can reach); a request from elsewhere is counted by its own address.
TRUSTED_PROXIES = env_list("TONGBAN_TRUSTED_PROXIES", [])
# The public progress check (no login): tries a minute from one client address.
PROGRESS_CHECKS_PER_MINUTE = env_int("TONGBAN_PROGRESS_CHECKS_PER_MINUTE", 10)
# Early pilot credit codes that fail the GB 32100 check but are real (domain.md §1).
USCC_PILOT_CODES = env_list("TONGBAN_USCC_PILOT_CODES", ["91350100M0001TGQXM"])
# Audit checkpoints are written outside the database, signed with their own key.
AUDIT_CHECKPOINT_KEY = env_str("TONGBAN_AUDIT_CHECKPOINT_KEY", "") or None
AUDIT_CHECKPOINT_FILE = env_str("TONGBAN_AUDIT_CHECKPOINT_FILE", "") or None
# Demo conveniences are off unless a development setting turns them on.
TONGBAN_DEMO = False
# The TrueType CJK font PDF notices embed (Debian fonts-wqy-zenhei).
PDF_FONT = env_str("TONGBAN_PDF_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
# Who answers for personal information, named on the privacy page (/privacy/): the body
# that operates the platform (个人信息处理者, PIPL Art. 17) and its personal-information
# protection officer (个人信息保护负责人, Art. 52), whom people and the authorities contact.
# Empty here, and the page says none is named; a deployment sets its own (docs/pia.md).
PLATFORM_OPERATOR = env_str("TONGBAN_OPERATOR_NAME", "")
PERSONAL_INFORMATION_OFFICER = {
    "name": env_str("TONGBAN_PI_OFFICER_NAME", ""),
    "email": env_str("TONGBAN_PI_OFFICER_EMAIL", ""),
    "phone": env_str("TONGBAN_PI_OFFICER_PHONE", ""),
}
# Uploaded files (tongban.core.uploads says why each bound is what it is): one case
# material at most MATERIAL_MAX_BYTES; all the files of one request together at most
# UPLOAD_MAX_SUBMISSION_BYTES; a PDF's streams decoded at most UPLOAD_MAX_DECODED_BYTES
# in all (a 20 MB file of lossless colour scans decodes to about 450 MB; a zip bomb is
# stopped there), at most UPLOAD_MAX_PDF_PAGES pages and UPLOAD_MAX_PDF_OBJECTS objects
# (pypdf reads some 15,000 a second); an image, or an image in a PDF, at most
# UPLOAD_MAX_IMAGE_PIXELS pixels (a 48-megapixel phone photo passes, an A4 page at
# 600 dpi is 35).
MATERIAL_MAX_BYTES = env_int("TONGBAN_MATERIAL_MAX_BYTES", 20 * 1024 * 1024)
UPLOAD_MAX_SUBMISSION_BYTES = env_int(
    "TONGBAN_UPLOAD_MAX_SUBMISSION_BYTES", 50 * 1024 * 1024
)
UPLOAD_MAX_DECODED_BYTES = env_int(
    "TONGBAN_UPLOAD_MAX_DECODED_BYTES", 512 * 1024 * 1024
)
UPLOAD_MAX_PDF_PAGES = env_int("TONGBAN_UPLOAD_MAX_PDF_PAGES", 500)
UPLOAD_MAX_PDF_OBJECTS = env_int("TONGBAN_UPLOAD_MAX_PDF_OBJECTS", 100_000)
UPLOAD_MAX_IMAGE_PIXELS = env_int("TONGBAN_UPLOAD_MAX_IMAGE_PIXELS", 50_000_000)
# Case and document numbers are drawn on a connection of their own (PostgreSQL), so a busy
# department's number row is never locked for a whole submission; see cases/numbers.py.
NUMBERS_OWN_CONNECTION = env_bool("TONGBAN_NUMBERS_OWN_CONNECTION", True)
# `make bench` only: mounts the bare one-insert baseline view.
TONGBAN_BENCH = env_bool("TONGBAN_BENCH", False)
