"""Settings for `make demo` and local work: debug on, the clock may be moved."""

from tongban.conf.base import *  # noqa: F403
from tongban.conf.env import env_bool, env_str

DEBUG = env_bool("TONGBAN_DEBUG", True)
WHITENOISE_AUTOREFRESH = DEBUG
TONGBAN_CLOCK_ADJUSTABLE = env_bool("TONGBAN_CLOCK_ADJUSTABLE", True)
# Demo conveniences (demo accounts, `tongban totp` printing a demo staff member's code).
TONGBAN_DEMO = env_bool("TONGBAN_DEMO", True)
# Who answers for personal information: demo values, visibly so, until a deployment names
# its own (TONGBAN_OPERATOR_NAME, TONGBAN_PI_OFFICER_NAME / _EMAIL / _PHONE).
PLATFORM_OPERATOR = env_str(
    "TONGBAN_OPERATOR_NAME", "通办演示运营中心（Demo operator）"
)
PERSONAL_INFORMATION_OFFICER = {
    "name": env_str("TONGBAN_PI_OFFICER_NAME", "王敏（演示 Demo）"),
    "email": env_str("TONGBAN_PI_OFFICER_EMAIL", "privacy-officer@demo.invalid"),
    "phone": env_str("TONGBAN_PI_OFFICER_PHONE", "021-00000000"),
}
