"""Which implementation answers for each kind of outside system: a dotted path in a setting.

One live at a time (`SMS_BACKEND`, as Django's `EMAIL_BACKEND`):

    backend_for("sms")                      # settings.SMS_BACKEND

Several live at once, chosen by name (a registry, as Open Forms' plugin registry):

    backend_for("registry", "population")   # settings.REGISTRY_BACKENDS["population"]

The setting is read on every call, so `override_settings` and a changed environment just
work; the class is imported and constructed once per dotted path and name. A backend is
constructed with one argument, the name of the system it answers for ("sms",
"population"), which is also its key in `OUTSIDE_SYSTEMS` for its address.
"""

import functools
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


def backend_for(kind: str, name: str | None = None) -> Any:
    """The configured backend of `kind` (one live), or of `name` among `kind`'s (several)."""
    if name is None:
        setting = f"{kind.upper()}_BACKEND"
        path = getattr(settings, setting, None)
    else:
        setting = f"{kind.upper()}_BACKENDS"
        configured = getattr(settings, setting, None)
        if not isinstance(configured, Mapping):
            raise ImproperlyConfigured(f"{setting} must map names to dotted paths")
        if name not in configured:
            known = ", ".join(sorted(configured)) or "none"
            raise ImproperlyConfigured(f"{setting} has no {name!r} (it has: {known})")
        setting = f"{setting}[{name!r}]"
        path = configured[name]
    if not isinstance(path, str) or not path:
        raise ImproperlyConfigured(f"{setting} must be the dotted path of a class")
    return _backend(setting, path, name or kind)


@functools.cache
def _backend(setting: str, path: str, system: str) -> Any:
    try:
        backend_class = import_string(path)
    except ImportError as error:
        raise ImproperlyConfigured(
            f"{setting} = {path!r} cannot be imported: {error}"
        ) from error
    return backend_class(system)
