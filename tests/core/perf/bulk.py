"""Ten times the rows, inserted in bulk: copies of the demo's data rows with their keys shifted.

A copy of a school-year-like value moves every year in it back by a multiple of ten (2024-2025 ->
2014-2015 -> ...), so copies never collide with the original or with each other on unique keys; a RIF
application's copy gets a new reference, and its budget lines and partners come along. Users are copied
with a new e-mail address, with their memberships.
"""
from __future__ import annotations

import re

from sqlalchemy import insert, select

YEAR = re.compile(r"\d{4}")
BY_YEAR = {"vsv_figure": "school_year", "stagepact_report": "school_year", "kwetsbare_jongeren_count": "period"}


def _shifted(value: str, copy: int) -> str:
    return YEAR.sub(lambda m: str(int(m.group()) - 10 * copy), value)


def _rows(conn, table, *where):
    return [dict(r._mapping) for r in conn.execute(select(table).where(*where))]


def _insert(conn, table, rows) -> None:
    if rows:
        conn.execute(insert(table), rows)


def multiply(app, factor: int = 10) -> None:
    """Add `factor - 1` copies of the data rows of the instruments, the users and their memberships."""
    from core.db import Base

    tables = Base.metadata.tables
    engine = app.extensions["regioplatform.db"].engine
    with engine.begin() as conn:
        for name, column in BY_YEAR.items():
            if name not in tables:
                continue
            table = tables[name]
            rows = _rows(conn, table)
            _insert(conn, table, [{**{k: v for k, v in row.items() if k != "id"}, column: _shifted(row[column], copy)}
                                  for copy in range(1, factor) for row in rows])
        if "rif_application" in tables:
            _copy_applications(conn, tables, factor)
        _copy_users(conn, tables, factor)


def _copy_applications(conn, tables, factor: int) -> None:
    applications, lines, partners = tables["rif_application"], tables["rif_budget_line"], tables["rif_partner"]
    originals = _rows(conn, applications)
    for copy in range(1, factor):
        for row in originals:
            reference = f"{row['reference']}-{copy}"
            new = {k: v for k, v in row.items() if k not in ("id", "agreement_id")} | {"reference": reference}
            new_id = conn.execute(insert(applications).values(**new).returning(applications.c.id)).scalar_one()
            _insert(conn, lines, [{k: v for k, v in line.items() if k != "id"} | {"application_id": new_id}
                                  for line in _rows(conn, lines, lines.c.application_id == row["id"])])
            _insert(conn, partners, [{k: v for k, v in p.items() if k != "id"} | {"application_ref": reference}
                                     for p in _rows(conn, partners, partners.c.application_ref == row["reference"],
                                                    partners.c.region_id == row["region_id"])])


def _copy_users(conn, tables, factor: int) -> None:
    users, memberships = tables["user_account"], tables["membership"]
    originals = _rows(conn, users)
    for copy in range(1, factor):
        for row in originals:
            new = {k: v for k, v in row.items() if k != "id"} | {"email": f"kopie{copy}.{row['email']}"}
            new_id = conn.execute(insert(users).values(**new).returning(users.c.id)).scalar_one()
            _insert(conn, memberships, [{k: v for k, v in m.items() if k != "id"} | {"user_id": new_id}
                                        for m in _rows(conn, memberships, memberships.c.user_id == row["id"])])
