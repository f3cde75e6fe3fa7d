"""Writing a batch of rows through the Excel engine: the one write that a request (a small batch) and a
background job (a large one, core/api/jobs.py) both run.

The rows are validated as an uploaded sheet (core.api.rows), and written all at once or not at all. The
outcome is the HTTP status and JSON body the API answers: the counts, or a problem document (422 with a JSON
pointer per problem, 409 when a concurrent write made the batch stale).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.api import idempotency
from core.api.problems import problem_body
from core.api.rows import opened_rows, pointer
from core.excel import engine
from core.excel.safety import Limits
from core.excel.store import StaleImport
from core.regions.guard import InstrumentDisabled


@dataclass
class Outcome:
    """What the API answers for a batch: the HTTP status and the JSON body (a problem document when >= 400)."""

    status: int
    body: dict
    raced: bool = False  # a concurrent write made it stale (or stored the same Idempotency-Key first)


def validation_problem(errors: list[dict], instance: str) -> dict:
    """The 422 problem document: nothing is stored, each problem named by its JSON pointer."""
    return problem_body(422, _("Er is niets opgeslagen. Verbeter de gegevens op de genoemde plaatsen en stuur de "
                               "hele partij opnieuw."), slug="validatie", instance=instance, errors=errors)


def token_actor(token) -> tuple[None, str]:
    """The audit actor of a write with `token`: its name, id and organisation."""
    owner = token.organisation.identifier if token.organisation is not None else "platform"
    return None, f"API-sleutel {token.name} (#{token.id}, {owner})"


def write_batch(session: Session, *, spec, region, instrument: str, principal, rows: list[dict], dry_run: bool,
                config, instance: str, remember: tuple[str, str] | None = None,
                progress: Callable[..., None] | None = None,
                before_commit: Callable[[dict], None] | None = None) -> Outcome:
    """Validate `rows` as the Excel import does and write them all, or nothing (`dry_run`: only say what would
    change); re-sending the same batch changes nothing (an upsert on the sheet's natural key).

    `remember`: (Idempotency-Key, request fingerprint), stored with the write. `progress(**counts)`: told rows
    read, validated and written. `before_commit(body)`: called with the answer just before the write commits,
    to add what must be committed with it (a job marks itself done in the same transaction).
    """
    report = progress or (lambda **counts: None)
    report(rows_read=len(rows))
    try:
        engine.require_instrument(region, instrument)
    except InstrumentDisabled:
        return Outcome(404, problem_body(404, instance=instance))
    prepared = engine.prepare_opened(session, engine.Prepared(spec=spec, filename="api"),
                                     opened_rows(spec, instrument, rows), spec=spec, instrument=instrument,
                                     region=region, user=principal, max_rows=Limits.from_config(config).max_rows)
    if not prepared.ok:
        session.rollback()
        return Outcome(422, validation_problem([{"pointer": pointer(spec, p), "detail": p.message}
                                                for p in prepared.problems], instance))
    report(rows_validated=len(rows))
    diff = prepared.diff
    summary = {"new": len(diff.new), "changed": len(diff.changed), "unchanged": diff.unchanged}
    if dry_run:
        session.rollback()
        return Outcome(200, {"dry_run": True, **summary})
    body = {"dry_run": False, **summary}
    if remember is not None:  # committed with the write, or not at all
        idempotency.remember(session, principal.token.id, remember[0], remember[1], 200, body)
    if before_commit is not None:
        before_commit(body)
    try:
        engine.commit_prepared(session, prepared, region, token_actor(principal.token))
    except (StaleImport, IntegrityError):  # IntegrityError: the same key's record, flushed by a request alongside
        session.rollback()
        return Outcome(409, problem_body(409, _("De gegevens zijn intussen gewijzigd; stuur de partij opnieuw."),
                                         instance=instance), raced=True)
    report(rows_written=summary["new"] + summary["changed"])
    return Outcome(200, body)
