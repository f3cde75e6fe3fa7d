"""Making another request's write land at an exact moment of this one, without threads or timing."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session


@contextmanager
def someone_else_first(app, model, write, params: dict | None = None):
    """While inside, the first flush that would insert a `model` row first commits `write` on another connection
    (SQL text with `params`, or a function of the connection).

    That is the moment of a real race between a form's "is it stored?" look-up and its insert: the other
    insert wins, this one meets the unique key (SQLite and PostgreSQL alike).
    """
    other = create_engine(app.config["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://"))
    done: list[bool] = []

    def insert_first(session, _context, _instances):
        if not done and any(isinstance(obj, model) for obj in session.new):
            done.append(True)
            with other.begin() as conn:
                if callable(write):
                    write(conn)
                else:
                    conn.execute(text(write), params or {})

    event.listen(Session, "before_flush", insert_first)
    try:
        yield done
    finally:
        event.remove(Session, "before_flush", insert_first)
        other.dispose()


def race(work, count: int, timeout: float = 120) -> list:
    """Run work(i) for i in range(count) in `count` threads released together (real concurrent requests:
    give each thread its own test client); the results (or the exception raised) in thread order."""
    import threading

    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i):
        barrier.wait()
        try:
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - returned to the test, which reports it
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
        assert not t.is_alive(), "a request hung: a lock was never released"
    return results
