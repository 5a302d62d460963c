"""Settings for production: everything from the environment, no insecure defaults."""

import os

from django.core.exceptions import ImproperlyConfigured

from tongban.conf.base import *  # noqa: F403
from tongban.conf.env import env_bool

if "TONGBAN_SECRET_KEY" not in os.environ:
    raise ImproperlyConfigured("TONGBAN_SECRET_KEY must be set in production")
if "TONGBAN_DATA_KEY" not in os.environ:
    raise ImproperlyConfigured("TONGBAN_DATA_KEY must be set in production")
DEBUG = False
TONGBAN_CLOCK_ADJUSTABLE = False
SESSION_COOKIE_SECURE = env_bool("TONGBAN_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = 31536000
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
WHITENOISE_USE_FINDERS = False
