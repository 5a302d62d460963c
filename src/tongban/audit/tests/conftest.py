"""Fixtures of the audit tests."""

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def checkpoint_file(settings: Any, tmp_path: Path) -> Path:
    """Each test its own checkpoint file (the data folder is shared by a test process)."""
    path = tmp_path / "checkpoints.jsonl"
    settings.AUDIT_CHECKPOINT_FILE = path
    return path
