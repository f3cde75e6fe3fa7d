"""The one alembic environment, for the core and every plugin.

Run it through `regio db ...` (core/migrate.py builds the config with every
plugin's version location); plain `alembic` does not see the plugins.
"""
from __future__ import annotations

from alembic import context

from core.db import Base

config = context.config
app = config.attributes.get("app")
if app is None:
    from core import create_app

    app = create_app()
label = config.attributes.get("autogenerate_label")
plugin_keys = set(app.extensions["regioplatform"].entries)


def include_object(obj, name, type_, reflected, compare_to):
    """Keep autogenerate to the tables of the line being revised ("core" or a plugin key)."""
    if label is None:
        return True
    table_name = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    if table_name is None:
        return True
    owner = next((k for k in plugin_keys if table_name.startswith(f"{k}_")), "core")
    return owner == label


def run_migrations_online() -> None:
    engine = app.extensions["regioplatform.db"].engine
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table (copy, drop, rename): with foreign keys on, dropping the old
            # `user_account` or `region` would cascade-delete every row that refers to it. SQLite only
            # honours this pragma outside a transaction; the check below proves nothing was left dangling.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            include_object=include_object,
            compare_type=True,
        )
        try:
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if dangling:
                        raise RuntimeError(f"the migration left rows that refer to missing rows: {dangling[:5]}")
        finally:
            if sqlite:  # the pooled connection goes back to the app: enforce foreign keys again, also after a failure
                connection.rollback()
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; use `regio db upgrade`")
run_migrations_online()
