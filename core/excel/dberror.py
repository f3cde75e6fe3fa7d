"""A database error while writing an import becomes a Dutch message; the caller rolls back, nothing is written.

Validation checks every value against what its column can hold (bounds.py),
so this is the last line: a value or a constraint that the database refuses
anyway must never show a 500 page or a traceback.
"""
from __future__ import annotations

from contextlib import contextmanager

from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from core.excel.store import StaleImport


class WriteFailed(StaleImport):
    """The database refused the write; a StaleImport so every caller that shows "not saved" shows this too."""

    def __init__(self):
        RuntimeError.__init__(self, _("Er is niets opgeslagen: de database weigerde een van de waarden (bijvoorbeeld "
                                      "een getal dat te groot is om op te slaan). Controleer het bestand en upload "
                                      "het opnieuw."))


@contextmanager
def database_errors():
    """Turn what the database or its driver raises while writing into WriteFailed (StaleImport passes through)."""
    try:
        yield
    except StaleImport:
        raise
    except (SQLAlchemyError, OverflowError) as exc:
        raise WriteFailed() from exc
    except Exception as exc:  # a driver error that bypasses SQLAlchemy (COPY on the raw connection)
        if type(exc).__module__.split(".")[0] in ("psycopg", "psycopg2", "sqlite3"):
            raise WriteFailed() from exc
        raise
