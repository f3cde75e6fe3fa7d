"""Running the installed `regio regions sync` on edited copies of the real region files."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from core.config import PROJECT_ROOT

REAL_FILES = ("rmc-12.toml", "rmc-19.toml", "rmc-29.toml")


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in the file by `new`; fail if the fixture no longer holds `old`."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}: the fixture changed"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def sync_edited_copies(tmp_path: Path, edits: list[tuple[str, str, str]]) -> subprocess.CompletedProcess:
    """Copy the real files to tmp_path/regions, apply (file, old, new) edits, run `regio regions sync` there.

    The installed `regio` has only the entry-point instruments, hence copies of the real files.
    """
    regions_dir = tmp_path / "regions"
    regions_dir.mkdir()
    for name in REAL_FILES:
        shutil.copy(PROJECT_ROOT / "regions" / name, regions_dir / name)
    for name, old, new in edits:
        edit(regions_dir / name, old, new)
    regio = Path(sys.executable).with_name("regio")
    assert regio.exists(), "the regio console script is not installed (pip install -e .)"
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "REGIO_ENV", "TEST_DATABASE_URL"}}
    env.update(REGIONS_DIR="regions", INSTANCE_PATH=str(tmp_path / "instance"),
               DATABASE_URL=f"sqlite:///{tmp_path / 'regio.db'}")
    return subprocess.run([str(regio), "regions", "sync"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
