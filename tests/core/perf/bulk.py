"""Ten times the rows, inserted in bulk: copies of the demo's rows with their keys shifted.

The core copies the users (a new e-mail address) with their memberships; each instrument's test folder
copies its own rows (`multiply_rows` in its matrix.py, with the helpers here): a copy of a year-like value
moves every year in it back by a multiple of ten (2024-2025 -> 2014-2015 -> ...), so copies never collide
with the original or with each other on unique keys.
"""
from __future__ import annotations

import re

from sqlalchemy import insert, select

YEAR = re.compile(r"\d{4}")


def shifted(value: str, copy: int) -> str:
    return YEAR.sub(lambda m: str(int(m.group()) - 10 * copy), value)


def rows_of(conn, table, *where):
    return [dict(r._mapping) for r in conn.execute(select(table).where(*where))]


def insert_rows(conn, table, rows) -> None:
    """Insert `rows` (dicts with the same keys). On PostgreSQL through COPY: psycopg's executemany sends one
    statement per row, which was most of a 100x copy's time."""
    if not rows:
        return
    columns = list(rows[0])
    if conn.dialect.name != "postgresql" or any(len(row) != len(columns) for row in rows):
        conn.execute(insert(table), rows)
        return
    from psycopg.types.json import Json

    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    with conn.connection.driver_connection.cursor() as cursor, \
            cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([Json(v) if isinstance(v, (dict, list)) else v for v in (row[c] for c in columns)])


def copy_by_year(conn, table, column: str, factor: int) -> None:
    """Add `factor - 1` copies of every row of `table`, the years in `column` shifted back per copy."""
    rows = rows_of(conn, table)
    insert_rows(conn, table, [{**{k: v for k, v in row.items() if k != "id"}, column: shifted(row[column], copy)}
                              for copy in range(1, factor) for row in rows])


def multiply(app, modules: dict, factor: int = 10) -> None:
    """Add `factor - 1` copies of the users and their memberships, and of every instrument's rows."""
    from core.db import Base

    tables = Base.metadata.tables
    engine = app.extensions["regioplatform.db"].engine
    with engine.begin() as conn:
        _copy_users(conn, tables, factor)
        for module in modules.values():
            if hasattr(module, "multiply_rows"):
                module.multiply_rows(conn, tables, factor)


def _copy_users(conn, tables, factor: int) -> None:
    users, memberships = tables["user_account"], tables["membership"]
    originals = rows_of(conn, users)
    for copy in range(1, factor):
        for row in originals:
            new = {k: v for k, v in row.items() if k != "id"} | {"email": f"kopie{copy}.{row['email']}"}
            new_id = conn.execute(insert(users).values(**new).returning(users.c.id)).scalar_one()
            insert_rows(conn, memberships, [{k: v for k, v in m.items() if k != "id"} | {"user_id": new_id}
                                        for m in rows_of(conn, memberships, memberships.c.user_id == row["id"])])
