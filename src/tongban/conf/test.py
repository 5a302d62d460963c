"""Settings for the test suite: fast hashing, adjustable clock, tasks run where they are queued."""

from tongban.conf.base import *  # noqa: F403
from tongban.conf.env import env_bool

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TONGBAN_CLOCK_ADJUSTABLE = env_bool("TONGBAN_CLOCK_ADJUSTABLE", True)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests draw numbers in the test's own transaction (rolled back after each test); the
# separate connection is tested on its own in cases/tests/test_concurrency.py.
NUMBERS_OWN_CONNECTION = False
# No audit sink unless a test asks for one (with the stand-ins running): most tests write
# checkpoints without any outside system.
AUDIT_SINK_BACKEND = ""
