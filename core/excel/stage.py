"""Staged imports in the database: the preview's rows, or the errors and the file to mark them in.

A staged import belongs to one user, region and sheet, and expires
(EXCEL_STAGE_MINUTES). Expired ones are removed whenever a new one is made.
Values are stored as JSON by column kind (Decimal and dates as text), zlib-compressed.
Errors are stored as text, in the language of whoever uploaded (messages are translated when made).
"""
from __future__ import annotations

import codecs
import datetime as dt
import decimal
import json
import secrets
import zlib
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.db import utcnow
from core.excel.diff import Diff
from core.excel.models import STATE_ERRORS, STATE_READY, StagedImport
from core.excel.reader import Problem
from core.excel.spec import Kind, SheetSpec


class StagedNotFound(LookupError):
    """No such staged import for this user, region and sheet."""


class StagedExpired(LookupError):
    """The staged import has expired; upload the file again."""


def _encoder(kind: str):
    if kind == Kind.DECIMAL:
        return lambda v: None if v is None else str(v)
    if kind == Kind.DATE:
        return lambda v: None if v is None else v.isoformat()
    return lambda v: v


def _decoder(kind: str):
    if kind == Kind.DECIMAL:
        return lambda v: None if v is None else decimal.Decimal(v)
    if kind == Kind.DATE:
        return lambda v: None if v is None else dt.date.fromisoformat(v)
    return lambda v: v


def _codec(spec: SheetSpec, keys: list[str], make, shared: bool = False):
    """Values in `keys` order converted by kind (`make`); `shared`: a value that repeats becomes one object
    (a school year, a date, an amount read back from JSON would otherwise be a new object in every row)."""
    kinds = [spec.column(k).kind for k in keys]
    if not {Kind.DECIMAL, Kind.DATE} & set(kinds) and not shared:  # nothing to convert
        return lambda values: list(values)
    funcs = [_shared(make(kind)) if shared else make(kind) for kind in kinds]
    return lambda values: [f(v) for f, v in zip(funcs, values)]


def _shared(convert, limit: int = 4096):
    cache: dict = {}

    def one(value):
        if value is None or value.__class__ is bool:
            return convert(value)
        key = (value.__class__, value)
        hit = cache.get(key)
        if hit is None:
            hit = convert(value)
            if len(cache) < limit:
                cache[key] = hit
        return hit

    return one


def _pack(data: Any) -> bytes:
    return zlib.compress(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode(), 6)


def _unpack(blob: bytes) -> Any:
    return json.loads(zlib.decompress(blob))


_BATCH = 2000  # rows encoded as JSON text, then compressed together


def _pack_streamed(parts) -> bytes:
    """The same compressed JSON as _pack(dict) would give, from `parts`: (name, value) pairs where value is a
    whole JSON value or an iterable of list items (encoded and compressed a batch at a time, so no copy of
    the whole payload as Python lists or as one string is ever held)."""
    dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    compressor = zlib.compressobj(6)
    out: list[bytes] = []
    text: list[str] = ["{"]
    for n, (name, value) in enumerate(parts):
        text.append(("," if n else "") + dumps(name) + ":")
        if not isinstance(value, _Items):
            text.append(dumps(value))
            continue
        text.append("[")
        for i, item in enumerate(value.items):
            text.append(("," if i else "") + dumps(item))
            if len(text) >= _BATCH:
                out.append(compressor.compress("".join(text).encode()))
                text = []
        text.append("]")
    text.append("}")
    out.append(compressor.compress("".join(text).encode()))
    out.append(compressor.flush())
    return b"".join(out)


class _Items:
    """A list to _pack_streamed, given as an iterable of its items."""

    def __init__(self, items):
        self.items = items


def _new(session: Session, *, user_id: int, region_id: int, instrument: str, spec: SheetSpec, filename: str,
         minutes: int, state: str) -> StagedImport:
    now = utcnow()
    session.execute(delete(StagedImport).where(StagedImport.expires_at < now))
    return StagedImport(token=secrets.token_urlsafe(32), user_id=user_id, region_id=region_id,
                        instrument_key=instrument, sheet_name=spec.name, filename=(filename or "")[:255],
                        state=state, created_at=now, expires_at=now + dt.timedelta(minutes=minutes))


def stage_ready(session: Session, *, user_id: int, region_id: int, instrument: str, spec: SheetSpec,
                filename: str, diff: Diff, file_keys: list[tuple], minutes: int) -> StagedImport:
    """Store a valid upload's diff for the preview and the commit."""
    staged = _new(session, user_id=user_id, region_id=region_id, instrument=instrument, spec=spec,
                  filename=filename, minutes=minutes, state=STATE_READY)
    encode = _codec(spec, diff.keys, _encoder)
    encode_key = _codec(spec, list(spec.natural_key), _encoder)
    staged.new_count = len(diff.new)
    staged.changed_count = len(diff.changed)
    staged.unchanged_count = diff.unchanged
    staged.base_hash = diff.base_hash
    staged.payload = _pack_streamed([
        ("keys", diff.keys),
        ("new", _Items(encode(v) for v in diff.new)),
        ("changed", _Items([row_id, encode(old), encode(new)] for row_id, old, new in diff.changed)),
        ("file_keys", _Items(encode_key(k) for k in file_keys)),
        ("rows", [list(diff.new_rows), list(diff.changed_rows)]),  # row numbers in the file, to name them
    ])
    session.add(staged)
    return staged


def stage_errors(session: Session, *, user_id: int, region_id: int, instrument: str, spec: SheetSpec,
                 filename: str, errors: list[Problem], error_count: int, sheet_name: str, data: bytes | None,
                 minutes: int) -> StagedImport:
    """Store a refused upload's errors (and the file, to hand it back with the errors marked)."""
    staged = _new(session, user_id=user_id, region_id=region_id, instrument=instrument, spec=spec,
                  filename=filename, minutes=minutes, state=STATE_ERRORS)
    staged.error_count = error_count
    staged.payload = _pack({
        "sheet": sheet_name,
        "errors": [[p.ref, p.message, p.row, p.col] for p in errors],
    })
    staged.upload = data
    session.add(staged)
    return staged


def load(session: Session, token: str, *, user_id: int, region_id: int, instrument: str,
         spec: SheetSpec) -> StagedImport:
    """The user's own staged import for this region and sheet; StagedNotFound / StagedExpired otherwise."""
    staged = session.scalar(select(StagedImport).where(StagedImport.token == token))
    if (staged is None or staged.user_id != user_id or staged.region_id != region_id
            or staged.instrument_key != instrument or staged.sheet_name != spec.name):
        raise StagedNotFound(token)
    expires = staged.expires_at
    if expires.tzinfo is None:  # SQLite returns naive UTC
        expires = expires.replace(tzinfo=dt.timezone.utc)
    if expires < utcnow():
        raise StagedExpired(token)
    return staged


def errors_of(staged: StagedImport) -> tuple[str, list[Problem]]:
    data = _unpack(staged.payload)
    return data["sheet"], [Problem(ref, message, row, col) for ref, message, row, col in data["errors"]]


def diff_of(staged: StagedImport, spec: SheetSpec) -> tuple[Diff, list[tuple]]:
    """The stored diff (typed values again) and the natural keys of every row of the file.

    The payload is decompressed and parsed a piece at a time and every row is typed as it is read, so
    neither the JSON text nor its lists are ever held whole next to the typed rows; values that repeat
    (school years, dates, amounts) are one object each."""
    fields = _Fields(staged.payload)
    keys = fields.value("keys")
    decode = _codec(spec, keys, _decoder, shared=True)
    decode_key = _codec(spec, list(spec.natural_key), _decoder, shared=True)
    new = [tuple(decode(v)) for v in fields.items("new")]
    changed = [(c[0], tuple(decode(c[1])), tuple(decode(c[2]))) for c in fields.items("changed")]
    file_keys = [tuple(decode_key(k)) for k in fields.items("file_keys")]
    rows = fields.value("rows", ([], []))
    diff = Diff(keys=keys, new=new, changed=changed, unchanged=staged.unchanged_count,
                base_hash=staged.base_hash or "")
    diff.new_rows, diff.changed_rows = rows or ([], [])
    return diff, file_keys


class _Fields:
    """The staged JSON object (`{"keys":...,"new":[...],...}`, as _pack and _pack_streamed write it) read
    field by field in file order, decompressing a piece at a time; a list field's items one by one."""

    PIECE = 1 << 18

    def __init__(self, blob: bytes):
        self._blob = memoryview(blob)
        self._at = 0
        self._inflate = zlib.decompressobj()
        self._text = codecs.getincrementaldecoder("utf-8")()
        self._buffer = ""
        self._i = 0
        self._json = json.JSONDecoder()
        self._started = False

    def _more(self) -> bool:
        if self._inflate is _DONE:
            return False
        if self._at < len(self._blob):
            data, final = self._inflate.decompress(self._blob[self._at:self._at + self.PIECE]), False
            self._at += self.PIECE
        else:
            data, final = self._inflate.flush(), True
            self._inflate = _DONE
        self._buffer = self._buffer[self._i:] + self._text.decode(data, final=final)
        self._i = 0
        return True

    def _peek(self) -> str:
        while self._i >= len(self._buffer):
            if not self._more():
                return ""
        return self._buffer[self._i]

    def _skip(self, char: str) -> None:
        """Past one `char` (a separator) if it is next."""
        if self._peek() == char:
            self._i += 1

    def _decode(self):
        """The JSON value (a list or a string: each ends with its own closing character) at the cursor."""
        while True:
            try:
                value, end = self._json.raw_decode(self._buffer, self._i)
            except json.JSONDecodeError:
                if not self._more():
                    raise
                continue
            self._i = end
            return value

    def _field(self, name: str) -> bool:
        """Move to the value of the next field if it is `name` (fields are in file order)."""
        if not self._started:
            if self._peek() != "{":
                raise ValueError("staged payload: not a JSON object")
            self._i += 1
            self._started = True
        else:
            self._skip(",")
        if self._peek() != '"':
            return False
        found = self._decode()
        if found != name:
            raise ValueError(f"staged payload: field {found!r} where {name!r} was expected")
        self._skip(":")
        return True

    def value(self, name: str, default=None):
        return self._decode() if self._field(name) else default

    def items(self, name: str):
        if not self._field(name):
            return
        if self._peek() != "[":
            raise ValueError(f"staged payload: {name!r} is not a list")
        self._i += 1
        while True:
            if self._peek() == "]":
                self._i += 1
                return
            yield self._decode()
            self._skip(",")


class _Done:
    eof = True


_DONE = _Done()
