"""Counting the SQL statements one request issues (a SQLAlchemy event listener, no timing)."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def counted(app):
    """Yield a list that collects the SQL text of every statement executed on the app's engine meanwhile."""
    engine = app.extensions["regioplatform.db"].engine
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def statements_of_get(app, client, url: str) -> list[str]:
    """The statements of one GET of `url` (which must answer 200)."""
    with counted(app) as seen:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return seen
