"""Build the one-folder application and prove it starts.

    python packaging/build.py [--dist DIR] [--smoke]

Needs PyInstaller (`pip install -e ".[bundle]"`). Builds `packaging/stationdesk.spec` into
DIR (default `dist/`): DIR/StationDesk/ holds StationDesk (the window) and stationdesk-cli (the
command line). Run it on the system the bundle is for: a Windows build is made on Windows.

`--smoke` then starts what was built, as an IT person would after copying the folder: the
version, a headless start of the window on a new database (created, migrated, shown, closed),
and `check` on that database. CI runs it on Linux.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "stationdesk.spec"


def build(dist: Path, work: Path) -> Path:
    """Run PyInstaller on the spec; the folder built."""
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(work), str(SPEC)],
        check=True, cwd=ROOT,
    )  # fmt: skip
    return dist / "StationDesk"


def _program(folder: Path, name: str) -> Path:
    return folder / (f"{name}.exe" if os.name == "nt" else name)


def smoke(folder: Path) -> None:
    """The built programs run on their own: version, a new database opened in the window, check."""
    from stationdesk import __version__

    cli, gui = _program(folder, "stationdesk-cli"), _program(folder, "StationDesk")
    shown = subprocess.run([str(cli), "--version"], check=True, capture_output=True, text=True).stdout
    if __version__ not in shown:
        sys.exit(f"the bundle says {shown!r}, the source {__version__}")
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "STATIONDESK_DATA_DIR": data, "QT_QPA_PLATFORM": "offscreen"}
        database = str(Path(data) / "smoke.sqlite")
        started = subprocess.run([str(gui), "--db", database, "--smoke-test"], env=env, timeout=120,
                                 capture_output=True, text=True)  # fmt: skip
        print(started.stdout.strip())
        if started.returncode != 0 or "smoke-test ok" not in started.stdout:
            sys.exit(f"the bundled app did not start ({started.returncode}):\n{started.stderr}")
        subprocess.run([str(cli), "--db", database, "check"], env=env, check=True, timeout=120)
    print(f"bundle ok: {folder}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the folder is built")
    parser.add_argument("--smoke", action="store_true", help="start what was built, headless")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        folder = build(args.dist.resolve(), Path(work))
    if args.smoke:
        smoke(folder)


if __name__ == "__main__":
    main()
