"""Settings for `make demo` and local work: debug on, the clock may be moved."""

from tongban.conf.base import *  # noqa: F403
from tongban.conf.env import env_bool

DEBUG = env_bool("TONGBAN_DEBUG", True)
WHITENOISE_AUTOREFRESH = DEBUG
TONGBAN_CLOCK_ADJUSTABLE = env_bool("TONGBAN_CLOCK_ADJUSTABLE", True)
# Demo conveniences (demo accounts, `tongban totp` printing a demo staff member's code).
TONGBAN_DEMO = env_bool("TONGBAN_DEMO", True)
