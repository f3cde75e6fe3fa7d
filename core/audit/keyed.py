"""The audit log's keyed hash: an HMAC (key AUDIT_KEY, never in the database) over each entry's place and hash.

Every entry carries a gap-free sequence number (`seq`, 1, 2, 3, ... in
chain order) and `mac` = HMAC-SHA256(AUDIT_KEY, "seq:hash"). The plain
SHA-256 chain lets anyone recompute an entry; the MAC does not: someone who
rewrites a row and recomputes the hashes of the rows after it, without the
key, leaves MACs that no longer match. In development, without AUDIT_KEY,
the key is derived from SECRET_KEY; production refuses to start without it.
"""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app


def key_from_config(config) -> bytes:
    """The HMAC key: AUDIT_KEY's bytes, or (development) a key derived from SECRET_KEY."""
    configured = (config.get("AUDIT_KEY") or "").strip()
    if configured:
        return configured.encode("utf-8")
    return hashlib.sha256(b"regioplatform audit key\0" + config["SECRET_KEY"].encode()).digest()


def audit_key() -> bytes:
    return key_from_config(current_app.config)


def entry_mac(key: bytes, seq: int, digest: str) -> str:
    """HMAC-SHA256 (hex) of an entry's sequence number and hash."""
    return hmac.new(key, f"{seq}:{digest}".encode("ascii"), hashlib.sha256).hexdigest()
