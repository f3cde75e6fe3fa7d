"""vsv's settings in a region file, through the installed `regio` command (moved from tests/core/test_regions.py:
the core's tests name no instrument)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from core.config import PROJECT_ROOT


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}: the fixture changed"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_wrong_deadline_date_stops_regio_with_code_2(tmp_path):
    # The installed `regio` has only the built-in instruments: use copies of the real files.
    regions_dir = tmp_path / "regions"
    regions_dir.mkdir()
    for name in ("rmc-12.toml", "rmc-19.toml", "rmc-29.toml"):
        shutil.copy(PROJECT_ROOT / "regions" / name, regions_dir / name)
    edit(regions_dir / "rmc-19.toml", '"2025-2026" = 2026-12-15', "\"2025-2026\" = 'morgen'")
    edit(regions_dir / "rmc-29.toml", '"GM0599",  # Rotterdam', '"GM0000",')
    regio = Path(sys.executable).with_name("regio")
    assert regio.exists(), "the regio console script is not installed (pip install -e .)"
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "REGIO_ENV", "TEST_DATABASE_URL"}}
    env.update(REGIONS_DIR="regions", INSTANCE_PATH=str(tmp_path / "instance"),
               DATABASE_URL=f"sqlite:///{tmp_path / 'regio.db'}")
    done = subprocess.run([str(regio), "regions", "sync"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        "De regiobestanden bevatten fouten; het platform start niet:",
        "  regions/rmc-19.toml: instruments.vsv.deadlines.2025-2026: 'morgen' is geen datum (JJJJ-MM-DD)",
        "  regions/rmc-29.toml: members.gemeente[5]: gemeente GM0000 bestaat niet (CBS-code zoals GM0363)",
    ]
    assert not (tmp_path / "regio.db").exists() or (tmp_path / "regio.db").stat().st_size == 0
