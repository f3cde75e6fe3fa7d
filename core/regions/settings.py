"""`RegionSettings`: typed per-region settings of an instrument, validated from TOML.

A plugin subclasses it as a dataclass; the region loader converts the values
of `[instruments.<key>]` and reports each problem in Dutch.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import types
import typing

DATE_HINT = "JJJJ-MM-DD"


class RegionSettings:
    """Base class of instrument settings; subclasses must be dataclasses."""

    @classmethod
    def from_toml(cls, table: dict) -> tuple["RegionSettings | None", list[tuple[str, str]]]:
        """Convert a TOML table; return the settings and a list of (key, Dutch reason)."""
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"{cls.__name__} must be a dataclass")
        hints = _type_hints(cls)
        fields = {f.name: f for f in dataclasses.fields(cls)}
        errors: list[tuple[str, str]] = []
        values = {}
        for key, raw in table.items():
            if key not in fields:
                known = ", ".join(sorted(fields)) or "geen"
                errors.append((key, f"onbekende instelling (bekend: {known})"))
                continue
            try:
                values[key] = convert(hints[key], raw)
            except ValueError as exc:
                errors.append((key, str(exc)))
        for name, f in fields.items():
            if name not in table and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                errors.append((name, "verplichte instelling ontbreekt"))
        if errors:
            return None, errors
        return cls(**values), []

    def to_json(self) -> dict:
        """The settings as JSON-safe data (dates as ISO strings, Decimals as strings)."""
        out = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, (dt.date, decimal.Decimal)):
                value = str(value)
            out[f.name] = value
        return out

    @classmethod
    def from_json(cls, data: dict) -> "RegionSettings":
        """Rebuild the settings stored by `to_json` (defaults for missing keys)."""
        settings, errors = cls.from_toml({k: v for k, v in (data or {}).items()
                                          if k in {f.name for f in dataclasses.fields(cls)}})
        if errors:
            raise ValueError(f"stored settings are invalid: {errors}")
        return settings


_HINTS: dict[type, dict] = {}


def _type_hints(cls: type) -> dict:
    """`typing.get_type_hints(cls)`, resolved once per class (it evaluates every annotation string again on each
    call, and settings are rebuilt from JSON on every page that reads them)."""
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def _show(raw) -> str:
    return f"'{raw}'" if isinstance(raw, str) else repr(raw)


def convert(hint, raw):
    """Convert one TOML value to `hint`; raise ValueError with a Dutch reason."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if raw is None:
            return None
        return convert(inner[0], raw)
    if origin is typing.Literal:
        if raw not in args:
            allowed = ", ".join(str(a) for a in args)
            raise ValueError(f"{_show(raw)} is geen toegestane waarde (kies uit {allowed})")
        return raw
    if origin in (list, tuple):
        if not isinstance(raw, list):
            raise ValueError(f"{_show(raw)} is geen lijst")
        return [convert(args[0] if args else str, item) for item in raw]
    if hint is bool:
        if not isinstance(raw, bool):
            raise ValueError(f"{_show(raw)} is geen ja/nee-waarde (true of false)")
        return raw
    if hint is int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueError(f"{_show(raw)} is geen geheel getal")
        return raw
    if hint is str:
        if not isinstance(raw, str):
            raise ValueError(f"{_show(raw)} is geen tekst")
        return raw
    if hint is decimal.Decimal:
        if isinstance(raw, bool) or isinstance(raw, float):
            raise ValueError(f"{_show(raw)} is geen bedrag: schrijf het als tekst, bv. \"1250.00\"")
        try:
            return decimal.Decimal(str(raw))
        except decimal.InvalidOperation:
            raise ValueError(f"{_show(raw)} is geen getal") from None
    if hint is dt.date:
        if isinstance(raw, dt.datetime):
            raise ValueError(f"{_show(raw)} is geen datum ({DATE_HINT})")
        if isinstance(raw, dt.date):
            return raw
        if isinstance(raw, str):
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                pass
        raise ValueError(f"{_show(raw)} is geen datum ({DATE_HINT})")
    raise TypeError(f"unsupported settings type {hint!r}")
