"""The alembic configuration, built in code: core versions plus every plugin's location."""
from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import Flask

from core.config import PROJECT_ROOT

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
CORE_VERSIONS = MIGRATIONS_DIR / "versions"


def alembic_config(app: Flask) -> Config:
    """An alembic Config whose env.py uses this app's engine and models."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    dirs = [CORE_VERSIONS] + [
        Path(e.migrations) for e in app.extensions["regioplatform"].ordered() if e.migrations is not None
    ]
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(str(d) for d in dirs))
    cfg.attributes["app"] = app
    return cfg


def script_directory(app: Flask) -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(app))


def upgrade(app: Flask, target: str = "heads") -> None:
    """Apply every core and plugin revision (`upgrade heads`)."""
    command.upgrade(alembic_config(app), target)


def downgrade(app: Flask, target: str) -> None:
    command.downgrade(alembic_config(app), target)


def revision(app: Flask, label: str, message: str, autogenerate: bool = False) -> None:
    """Create a revision on the line `label` ("core" or an instrument key)."""
    cfg = alembic_config(app)
    cfg.attributes["autogenerate_label"] = label
    script = ScriptDirectory.from_config(cfg)
    has_line = any(label in (rev.branch_labels or ()) for rev in script.walk_revisions())
    if has_line:
        command.revision(cfg, message=message, autogenerate=autogenerate, head=f"{label}@head")
    else:
        entry = app.extensions["regioplatform"].entries.get(label)
        location = CORE_VERSIONS if label == "core" else (entry.migrations if entry else None)
        if location is None:
            raise RuntimeError(f"'{label}' has no migration location")
        command.revision(cfg, message=message, autogenerate=autogenerate, head="base",
                         branch_label=label, version_path=str(location))
