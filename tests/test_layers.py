"""The layer rules of DEVELOPERS.md are a check that fails, not a hope (import-linter contracts
in pyproject.toml): domain/ imports no Qt or SQLAlchemy, store/ and services/ no UI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe is not None, "import-linter is part of the dev install"
    result = subprocess.run([exe, "--no-cache"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_a_forbidden_import_would_be_caught(tmp_path: Path) -> None:
    """Mutation check: the contracts really fail when domain/ imports SQLAlchemy."""
    bad = ROOT / "stationdesk" / "domain" / "_layer_probe.py"
    bad.write_text("import sqlalchemy  # probe\n", encoding="utf-8")
    try:
        exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
        assert exe is not None
        result = subprocess.run([exe, "--no-cache"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    finally:
        bad.unlink()
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
