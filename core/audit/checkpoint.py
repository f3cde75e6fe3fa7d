"""Signed checkpoints of the audit log, kept outside the database.

`regio audit checkpoint` writes the log's head (sequence number, hash of the
newest entry, time) as a JSON file signed with the platform's Ed25519 key
(core.signing) into AUDIT_CHECKPOINT_DIR (default instance/audit-checkpoints;
point it at storage the database's administrators cannot rewrite, and run it
periodically). `regio audit verify` checks the log against the newest one:
a log that stops short of it was truncated; a different hash at its
sequence number was rewritten.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from core.audit.chain import GENESIS
from core.audit.models import AuditEntry
from core.signing import signing_key, verify_document

KIND = "Regioplatform auditlog-checkpoint"


class CheckpointError(RuntimeError):
    """The newest checkpoint cannot be trusted (unreadable or not signed by this platform); Dutch message."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    head_hash: str
    at: str
    path: Path


def head(session) -> tuple[int, str]:
    """(sequence number, hash) of the newest entry; (0, GENESIS) for an empty log."""
    last = session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
    return (last.seq, last.hash) if last is not None else (0, GENESIS)


def write_checkpoint(session, directory: str | os.PathLike) -> Checkpoint:
    """Sign the log's head and write it, atomically, as a new file in `directory`."""
    seq, digest = head(session)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    document = signing_key().sign_document({"soort": KIND, "volgnummer": seq, "kop_hash": digest,
                                            "tijd": now.isoformat().replace("+00:00", "Z")})
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"checkpoint-{seq:012d}-{now:%Y%m%dT%H%M%SZ}.json"
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, path)
    return Checkpoint(seq, digest, document["tijd"], path)


def latest_checkpoint(directory: str | os.PathLike) -> Checkpoint | None:
    """The newest checkpoint in `directory` (highest sequence number), checked against the platform's key.

    None when there is none; CheckpointError when the newest is unreadable or
    its signature fails (a forged or edited checkpoint is not trusted).
    """
    files = sorted(Path(directory).glob("checkpoint-*.json")) if Path(directory).is_dir() else []
    if not files:
        return None
    path = files[-1]  # the names sort by sequence number, then time
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CheckpointError(f"checkpoint {path} is niet te lezen: {exc}") from exc
    problem = verify_document(document, signing_key().public) if isinstance(document, dict) else "geen JSON-object"
    if problem is None and document.get("soort") != KIND:
        problem = "geen auditlog-checkpoint"
    if problem:
        raise CheckpointError(f"checkpoint {path} is niet te vertrouwen: {problem}")
    return Checkpoint(int(document["volgnummer"]), document["kop_hash"], document["tijd"], path)
