"""Hashing of audit entries: the canonical text of an entry and its SHA-256 (verification: core.audit.verify)."""
from __future__ import annotations

import datetime as dt
import json
from hashlib import sha256
from json.encoder import c_make_encoder, encode_basestring

GENESIS = "0" * 64
HASHED_FIELDS = (
    "at", "user_id", "actor", "action", "object_type", "object_id",
    "region_id", "organisation_id", "before", "after", "prev_hash",
)


def normalise_time(at: dt.datetime) -> str:
    """UTC ISO timestamp, identical whether the database kept the timezone or not."""
    if at.tzinfo is not None:
        at = at.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def compact_encoder(default=None):
    """A function value -> canonical JSON text (keys sorted, no spaces, UTF-8 kept), unknown types via `default`.

    Uses the C encoder of the json module directly, built once, which saves
    re-creating it for every small value (JSONEncoder.encode does); the output
    is that of `json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`.
    """
    fallback = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, check_circular=False,
                                default=default)
    try:
        encoder = c_make_encoder(None, fallback.default, encode_basestring, None, ":", ",", True, False, True)
    except TypeError:  # no C accelerator (c_make_encoder is None) or another signature
        return fallback.encode
    join = "".join
    return lambda value: join(encoder(value, 0))


_encode = compact_encoder()


def json_text(value) -> str | None:
    """The canonical JSON text of a JSON-safe value; None stays None (stored as SQL NULL, hashed as null)."""
    return None if value is None else _encode(value)


def _scalar(value) -> str:
    """Canonical JSON of one field: the common str/int/None cases without the encoder's call overhead."""
    if value is None:
        return "null"
    if value.__class__ is str:
        return encode_basestring(value)
    if value.__class__ is int:
        return int.__repr__(value)
    return _encode(value)


def entry_hasher(at: dt.datetime, user_id, actor):
    """A function that hashes entries written at one moment by one actor (a flush or a bulk write).

    It takes (action, object_type, object_id, region_id, organisation_id,
    before_json, after_json, prev_hash), before/after already encoded by
    json_text, and returns the SHA-256 of the canonical text: the JSON object
    of HASHED_FIELDS with sorted keys and no spaces, byte for byte
    `json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`,
    the form every entry has been hashed in. The fields shared by the batch
    are encoded once.
    """
    actor_json, at_json, user_json = _scalar(actor), _scalar(normalise_time(at)), _scalar(user_id)
    known: dict[str, str] = {}  # action and object_type repeat within a batch
    scalar = _scalar

    def hash_entry(action, object_type, object_id, region_id, organisation_id, before_json, after_json,
                   prev_hash) -> str:
        action_json = known.get(action) or known.setdefault(action, scalar(action))
        type_json = known.get(object_type) or known.setdefault(object_type, scalar(object_type))
        canonical = (
            f'{{"action":{action_json},"actor":{actor_json},"after":{"null" if after_json is None else after_json},'
            f'"at":{at_json},"before":{"null" if before_json is None else before_json},'
            f'"object_id":{scalar(object_id)},"object_type":{type_json},'
            f'"organisation_id":{scalar(organisation_id)},"prev_hash":{scalar(prev_hash)},'
            f'"region_id":{scalar(region_id)},"user_id":{user_json}}}'
        )
        return sha256(canonical.encode("utf-8")).hexdigest()

    return hash_entry


def entry_hash(fields: dict) -> str:
    """SHA-256 over the canonical JSON of an entry's fields (its own hash excluded)."""
    return entry_hasher(fields["at"], fields["user_id"], fields["actor"])(
        fields["action"], fields["object_type"], fields["object_id"], fields["region_id"], fields["organisation_id"],
        json_text(fields["before"]), json_text(fields["after"]), fields["prev_hash"])
