"""The import contracts in pyproject.toml keep a tree that follows the layers and break on
one that does not.

They run on a skeleton of tongban in a temporary folder — every top-level package and
module of the real tree, empty, plus the imports a case writes — so what is checked is the
contracts themselves, whatever the real code looks like today.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import tongban

SOURCE = Path(tongban.__file__).parent
PROJECT = SOURCE.parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

# The modules the imports below name (an import of a missing one would read as an
# import of its package).
MODULES = [
    "accounts/api.py",
    "accounts/models.py",
    "accounts/services.py",
    "api/auth.py",
    "api/errors.py",
    "audit/services.py",
    "cases/models.py",
    "cases/tests/conftest.py",
    "cases/views.py",
    "contrib/backends.py",
    "contrib/http.py",
    "contrib/sms/http.py",
    "catalog/models.py",
    "core/clock.py",
    "notifications/services.py",
    "ops/models.py",
    "ops/ports.py",
    "web/views.py",
    "workdays/constants.py",
    "workdays/selectors.py",
]

# Imports the layers allow: downwards, and an app's endpoints using the API's guards.
ALLOWED = {
    "cases/services.py": "from tongban.notifications import services\n",
    "cases/api.py": "from tongban.api import auth\nfrom tongban.cases import documents\n",
    "notifications/services.py": (
        "from tongban.accounts import models\nfrom tongban.contrib import sms\n"
    ),
    "contrib/sms/__init__.py": "from tongban.contrib import backends, http\n",
    "contrib/sms/http.py": "from tongban.contrib import http\n",
    "accounts/services.py": "from tongban.catalog import models\nfrom tongban.audit import services\n",
    "catalog/services.py": "from tongban.workdays import constants\n",
    "contrib/http.py": "from tongban.ops import ports\n",
    "ops/services.py": "from tongban.core import clock\n",
    "web/health.py": "from tongban.ops import models\nfrom tongban.workdays import selectors\n",
    "benchmarks.py": "from tongban.cases import models\n",
    "notifications/tests/test_notifications.py": "from tongban.cases.tests import conftest\n",
}

# Each breaks one contract; (importer, imported) as lint-imports reports it.
VIOLATIONS = {
    "catalog/views.py": ("from tongban.api import errors\n", "tongban.api.errors"),
    "workdays/services.py": ("from tongban.web import views\n", "tongban.web.views"),
    "notifications/models.py": (
        "from tongban.cases import models\n",
        "tongban.cases.models",
    ),
    "audit/services.py": (
        "from tongban.accounts import models\n",
        "tongban.accounts.models",
    ),
    "contrib/probe.py": (
        "from tongban.accounts import models\n",
        "tongban.accounts.models",
    ),
    "ops/jobs.py": (
        "from tongban.workdays import selectors\n",
        "tongban.workdays.selectors",
    ),
    "cases/selectors.py": (
        "from tongban.accounts import services\n",
        "tongban.accounts.services",
    ),
    "notifications/api.py": (
        "from tongban.accounts import api\n",
        "tongban.accounts.api",
    ),
    "cases/api.py": ("from tongban.cases import views\n", "tongban.cases.views"),
    "cases/materials.py": (
        "from tongban.contrib.sms import http\n",
        "tongban.contrib.sms.http",
    ),
}


def _skeleton(root: Path, files: dict[str, str]) -> None:
    """Empty stand-ins for tongban's top-level packages and modules, then `files`."""
    package = root / "tongban"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for entry in SOURCE.iterdir():
        if (entry / "__init__.py").exists():
            (package / entry.name).mkdir()
            (package / entry.name / "__init__.py").write_text("")
        elif entry.suffix == ".py":
            (package / entry.name).write_text("")
    for name, text in [*((module, "") for module in MODULES), *files.items()]:
        path = package / name
        for folder in reversed(path.relative_to(package).parents[:-1]):
            (package / folder).mkdir(exist_ok=True)
            (package / folder / "__init__.py").touch()
        with path.open("a") as module:
            module.write(text)
    shutil.copy(PROJECT / "pyproject.toml", root / "pyproject.toml")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": str(LINT_IMPORTS.parent)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_tree_that_follows_the_layers_keeps_every_contract(tmp_path: Path) -> None:
    _skeleton(tmp_path, ALLOWED)
    result = _lint(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout


def test_each_import_across_the_layers_breaks_a_contract(tmp_path: Path) -> None:
    files = dict(ALLOWED)
    for name, (text, _imported) in VIOLATIONS.items():
        files[name] = files.get(name, "") + text
    _skeleton(tmp_path, files)
    result = _lint(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Contracts: 0 kept, 4 broken." in result.stdout
    report = " ".join(result.stdout.split())  # lint-imports wraps long lines
    for name, (_text, imported) in VIOLATIONS.items():
        importer = "tongban." + name.removesuffix(".py").replace("/", ".")
        assert f"- {importer} -> {imported}" in report, (importer, result.stdout)
    # what the layers allow stays allowed beside the violations
    assert "tongban.cases.api -> tongban.api.auth" not in report
    assert "tongban.web.health" not in report


def test_a_new_top_level_app_must_be_placed_in_a_layer(tmp_path: Path) -> None:
    _skeleton(tmp_path, {"permits/__init__.py": ""})
    result = _lint(tmp_path)
    assert result.returncode == 1
    assert "tongban.permits" in result.stdout
