from tongban.cases.tests.conftest import api, world  # noqa: F401 — the same small world
