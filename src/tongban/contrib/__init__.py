"""Systems outside the platform, each kind behind a small interface chosen by a setting.

Each kind is a package `contrib/<kind>/`:

- `__init__.py`: a `typing.Protocol` in the platform's terms, the dataclasses it answers
  with, and the public functions the apps call (`sms_send`, `identity_check`, …), which
  hand the call to the configured backend (`backends.backend_for`);
- `http.py`: the real client, speaking the system's documented HTTP contract through the
  one pooled client in `contrib/http.py`.

The backend is a dotted path in a setting (`SMS_BACKEND`, as Django's `EMAIL_BACKEND`), or a
mapping of names to dotted paths where several are live at once (`REGISTRY_BACKENDS`).
`standins/` is a real local server that answers like the real systems, for the demo and the
tests; the same HTTP clients talk to it (docs/decisions/0015-outside-system-backends.md).
Mail is Django's own backend mechanism (`mail/`).
"""
