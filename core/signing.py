"""The platform's signing key (Ed25519): it signs documents that must prove themselves offline.

Certificates of signed agreements carry the platform's signature over their
whole content (the version's canonical text, its fingerprint and the list of
signatures: party, signer, time, fingerprint), so a forged signer list fails
the check without the platform. The public key is published at
/.well-known/regioplatform-signing-key.

The private key comes from SIGNING_KEY (a PEM-encoded PKCS#8 Ed25519 key, or
the base64 of its 32 raw bytes), else from `signing-key.pem` in the instance
folder, which is created on first start (with a logged warning in
production: every server must then get the same file, or set SIGNING_KEY).

A signed document is a JSON object with one extra member, SEAL_FIELD; the
signature covers the canonical JSON (sorted keys, no spaces, UTF-8) of the
document without that member. `verify_document` is the whole check.
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import Blueprint, current_app, jsonify

from core.config import ConfigError
from core.security import public

SEAL_FIELD = "platformhandtekening"
KEY_FILE = "signing-key.pem"
WELL_KNOWN_PATH = "/.well-known/regioplatform-signing-key"
log = logging.getLogger("regioplatform.security")


def canonical_bytes(document: dict) -> bytes:
    """What is signed: the canonical JSON of `document` without its seal."""
    unsealed = {key: value for key, value in document.items() if key != SEAL_FIELD}
    return json.dumps(unsealed, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def public_key_text(key: Ed25519PublicKey) -> str:
    """The raw 32-byte public key, base64: how it is published and how `--public-key` takes it."""
    return base64.b64encode(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()


def key_id(key: Ed25519PublicKey) -> str:
    """A short name of a public key: the first 16 hex digits of the SHA-256 of its raw bytes."""
    return hashlib.sha256(base64.b64decode(public_key_text(key))).hexdigest()[:16]


def load_public_key(text: str) -> Ed25519PublicKey:
    """A public key from its base64 raw form or PEM text; ValueError when it is neither."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return key
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))


@dataclass
class SigningKey:
    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    def sign_document(self, document: dict, **about) -> dict:
        """`document` with its seal: algorithm, key id and public key, `about` (e.g. a method), the signature."""
        signature = self.private.sign(canonical_bytes(document))
        return {**document, SEAL_FIELD: {
            "algoritme": "Ed25519",
            "sleutel_id": key_id(self.public),
            "publieke_sleutel": public_key_text(self.public),
            **about,
            "handtekening": base64.b64encode(signature).decode(),
        }}


def verify_document(document: dict, trusted: Ed25519PublicKey) -> str | None:
    """None when `document`'s seal is a valid signature by `trusted` over the rest; else what is wrong (Dutch)."""
    seal = document.get(SEAL_FIELD)
    if not isinstance(seal, dict) or "handtekening" not in seal:
        return "het document heeft geen platformhandtekening"
    if seal.get("algoritme") != "Ed25519":
        return f"onbekend algoritme {seal.get('algoritme')!r}"
    try:
        signature = base64.b64decode(seal["handtekening"], validate=True)
        trusted.verify(signature, canonical_bytes(document))
    except (InvalidSignature, ValueError, TypeError):
        if seal.get("sleutel_id") != key_id(trusted):
            return (f"ondertekend met een andere sleutel ({seal.get('sleutel_id')}) dan de vertrouwde "
                    f"({key_id(trusted)})")
        return "de handtekening klopt niet: de inhoud is gewijzigd na het ondertekenen"
    return None


def _load_private(text: str) -> Ed25519PrivateKey:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
    else:
        key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return key


def _from_instance(app) -> Ed25519PrivateKey:
    path = Path(app.instance_path) / KEY_FILE
    if not path.exists():
        _create_key_file(path)
        if app.config.get("ENV_NAME") == "production":
            log.warning("No SIGNING_KEY: created %s; give every app server this same key (or set SIGNING_KEY)", path)
    return _load_private(path.read_text())


def _create_key_file(path: Path) -> None:
    """Write a new key beside `path`, then link it into place: processes that start together
    (gunicorn workers, concurrent `regio upgrade`s) all end up reading the one whole key that won."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd, draft = tempfile.mkstemp(prefix=".signing-key-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(draft, 0o600)
        try:
            os.link(draft, path)  # atomic, and refuses to replace a key another process linked first
        except FileExistsError:
            pass
    finally:
        os.unlink(draft)


def install(app) -> SigningKey:
    """Load (or create) the app's signing key and publish its public half at WELL_KNOWN_PATH."""
    configured = app.config.get("SIGNING_KEY") or ""
    try:
        private = _load_private(configured) if configured.strip() else _from_instance(app)
    except (ValueError, TypeError) as exc:
        source = "SIGNING_KEY" if configured.strip() else f"{Path(app.instance_path) / KEY_FILE}"
        raise ConfigError(f"{source}: not an Ed25519 private key (PEM PKCS#8, or base64 of 32 bytes)") from exc
    signing = SigningKey(private)
    app.extensions["regioplatform.signing"] = signing
    app.register_blueprint(_well_known)
    return signing


def signing_key() -> SigningKey:
    return current_app.extensions["regioplatform.signing"]


_well_known = Blueprint("signing", __name__)


@_well_known.route(WELL_KNOWN_PATH)
@public
def published_key():
    """The platform's public signing key (JSON): what certificates and audit checkpoints are checked against."""
    key = signing_key().public
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    response = jsonify({"algoritme": "Ed25519", "sleutel_id": key_id(key), "publieke_sleutel": public_key_text(key),
                        "pem": pem})
    response.headers["Access-Control-Allow-Origin"] = "*"  # anyone may fetch it to check a document
    return response
