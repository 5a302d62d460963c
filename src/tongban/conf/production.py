"""Settings for production: everything from the environment, no insecure defaults."""

import os

from django.core.exceptions import ImproperlyConfigured

from tongban.conf.base import *  # noqa: F403
from tongban.conf.env import env_bool, env_int

if "TONGBAN_SECRET_KEY" not in os.environ:
    raise ImproperlyConfigured("TONGBAN_SECRET_KEY must be set in production")
if "TONGBAN_DATA_KEY" not in os.environ:
    raise ImproperlyConfigured("TONGBAN_DATA_KEY must be set in production")
DEBUG = False
TONGBAN_CLOCK_ADJUSTABLE = False
SESSION_COOKIE_SECURE = env_bool("TONGBAN_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("TONGBAN_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("TONGBAN_HSTS_PRELOAD", True)
# Behind a TLS-terminating proxy the request reaches us as plain HTTP: the proxy says it
# was HTTPS in X-Forwarded-Proto, which it must set itself (overwriting a client's). With
# no such proxy in front, set TONGBAN_TLS_PROXY=0.
if env_bool("TONGBAN_TLS_PROXY", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The client's address (what abuse limits count by) is then the one that proxy appended to
# X-Forwarded-For: one hop of ours, or as many as TONGBAN_TRUSTED_PROXY_HOPS says.
TRUSTED_PROXY_HOPS = env_int(
    "TONGBAN_TRUSTED_PROXY_HOPS", 1 if env_bool("TONGBAN_TLS_PROXY", True) else 0
)
SECURE_SSL_REDIRECT = env_bool("TONGBAN_SSL_REDIRECT", True)
# The load balancer's and the supervisor's health checks come over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
WHITENOISE_USE_FINDERS = False
