"""Read and validate `regions/*.toml`: every error in the directory, one line each.

A file looks like::

    rmc_code = "MC17"
    name = "Utrecht"
    coordinators = ["MC17"]

    [members]
    rmc = ["MC17"]
    gemeente = ["GM0344", "GM0307"]
    mbo = ["25PJ"]
    mbo = [{ id = "25PJ", locations = ["25PJ00", "25PJ01"] }]   # its locations (vestigingen) in this region
    werkgever = [{ id = "90000001", name = "Voorbeeld Bouw BV" }]

    [instruments.proef]                    # an instrument's key; its settings per its RegionSettings
    enabled = true
    deadline = 2026-10-01

    [reminders]                            # optional: e-mail reminders of every date in the calendar
    days_before = [14, 3, 1]               # default [14, 3, 1]; [] for none
    days_after = [1]                       # a missed date; default [1]; [] for none

Consortia (who takes part in an instrument, in which role) are managed in
the app by the region's coordinators, not here.

Errors read `regions/rmc-17.toml: instruments.proef.deadline: 'morgen' is geen datum (JJJJ-MM-DD)`.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core import reference
from core.orgs.identifiers import identifier_problem, reference_name
from core.orgs.models import ORG_KINDS

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
TOP_KEYS = {"rmc_code", "name", "coordinators", "members", "instruments", "reminders"}
REMINDER_KEYS = ("days_before", "days_after")
MAX_REMINDER_DAYS = 365
CORE_INSTRUMENT_KEYS = {"enabled"}
MEMBER_KEYS = {"id", "name", "locations"}


class RegionFileError(RuntimeError):
    """One or more region files are invalid; `errors` holds one line per problem."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class MemberDecl:
    kind: str
    identifier: str
    name: str
    # the organisation's locations (DUO vestigingscodes) in this region; a school is a member of every
    # region where it has one (written by `regio regions generate`)
    locations: list[str] = field(default_factory=list)


@dataclass
class InstrumentDecl:
    key: str
    enabled: bool
    settings: dict


@dataclass
class RegionDecl:
    path: Path
    slug: str
    rmc_code: str
    name: str
    coordinators: list[str]
    members: list[MemberDecl] = field(default_factory=list)
    instruments: dict[str, InstrumentDecl] = field(default_factory=dict)
    # days before each date (negative: after it) a reminder goes; None: the platform's defaults
    reminder_offsets: list[int] | None = None


def display_path(path: Path) -> str:
    """The path as a user would type it: relative to the working directory when possible."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)


class _Collector:
    def __init__(self, path: Path):
        self.path = path
        self.errors: list[str] = []

    def add(self, key: str, reason: str) -> None:
        self.errors.append(f"{display_path(self.path)}: {key}: {reason}")


def load_regions(directory: str | os.PathLike, settings_schemas: dict) -> list[RegionDecl]:
    """Parse and validate every `*.toml` in `directory`.

    `settings_schemas` maps each installed instrument key to its RegionSettings
    class (or None). Raises RegionFileError with every problem found.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise RegionFileError([f"{display_path(directory)}: de map met regiobestanden bestaat niet"])
    decls: list[RegionDecl] = []
    errors: list[str] = []
    for path in sorted(directory.glob("*.toml")):
        collector = _Collector(path)
        decl = _parse_file(path, settings_schemas, collector)
        errors.extend(collector.errors)
        if decl is not None and not collector.errors:
            decls.append(decl)
    errors.extend(_cross_file_errors(decls))
    if errors:
        raise RegionFileError(errors)
    return decls


def _parse_file(path: Path, schemas: dict, c: _Collector) -> RegionDecl | None:
    slug = path.stem
    if not SLUG_RE.match(slug):
        c.add("bestandsnaam", f"'{slug}' mag alleen kleine letters, cijfers en '-' bevatten")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        c.add("toml", f"geen geldige TOML: {exc}")
        return None
    except UnicodeDecodeError:
        c.add("toml", "het bestand is geen UTF-8-tekst")
        return None
    for key in data:
        if key not in TOP_KEYS:
            c.add(key, f"onbekende sleutel (bekend: {', '.join(sorted(TOP_KEYS))})")
    rmc_code = data.get("rmc_code")
    if rmc_code is None:
        c.add("rmc_code", "ontbreekt")
    elif not isinstance(rmc_code, str) or rmc_code not in reference.rmc_regions():
        c.add("rmc_code", f"RMC-regio {rmc_code!r} bestaat niet (code zoals MC17)")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        c.add("name", "ontbreekt of is geen tekst")
    members = _parse_members(data.get("members", {}), c)
    member_ids = {m.identifier for m in members}
    coordinators = data.get("coordinators", [])
    if not isinstance(coordinators, list) or not coordinators:
        c.add("coordinators", "noem minstens één coördinerende organisatie (lijst van identificaties)")
        coordinators = []
    for i, ident in enumerate(coordinators):
        if ident not in member_ids:
            c.add(f"coordinators[{i}]", f"{ident!r} staat niet onder members")
    instruments = _parse_instruments(data.get("instruments", {}), schemas, c)
    reminders = _parse_reminders(data["reminders"], c) if "reminders" in data else None
    if c.errors:
        return None
    return RegionDecl(path, slug, rmc_code, name.strip(), list(coordinators), members, instruments, reminders)


def _parse_reminders(table, c: _Collector) -> list[int] | None:
    """[reminders] days_before / days_after -> offsets (days before a date; negative: after it), largest first."""
    if not isinstance(table, dict):
        c.add("reminders", "moet een tabel zijn: [reminders] met days_before en days_after")
        return None
    for key in table:
        if key not in REMINDER_KEYS:
            c.add(f"reminders.{key}", f"onbekende sleutel (bekend: {', '.join(REMINDER_KEYS)})")
    defaults = {"days_before": [14, 3, 1], "days_after": [1]}
    offsets: set[int] = set()
    for key in REMINDER_KEYS:
        values = table.get(key, defaults[key])
        if not isinstance(values, list):
            c.add(f"reminders.{key}", f"moet een lijst van aantallen dagen zijn, bv. {key} = {defaults[key]}")
            continue
        low = 0 if key == "days_before" else 1
        for i, value in enumerate(values):
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_REMINDER_DAYS:
                shown = f"'{value}'" if isinstance(value, str) else repr(value)
                c.add(f"reminders.{key}[{i}]", f"{shown} is geen aantal dagen (een geheel getal van {low} tot en met "
                                               f"{MAX_REMINDER_DAYS})")
                continue
            offsets.add(value if key == "days_before" else -value)
    return sorted(offsets, reverse=True)


def _parse_members(table, c: _Collector) -> list[MemberDecl]:
    if not isinstance(table, dict):
        c.add("members", "moet een tabel zijn: [members]")
        return []
    seen: dict[str, str] = {}
    members: list[MemberDecl] = []
    for kind, items in table.items():
        if kind not in ORG_KINDS:
            c.add(f"members.{kind}", f"onbekende soort organisatie (kies uit {', '.join(ORG_KINDS)})")
            continue
        if not isinstance(items, list):
            c.add(f"members.{kind}", "moet een lijst zijn")
            continue
        for i, item in enumerate(items):
            where = f"members.{kind}[{i}]"
            locations: list[str] = []
            if isinstance(item, str):
                ident, name = item, None
            elif isinstance(item, dict):
                unknown = set(item) - MEMBER_KEYS
                if unknown:
                    c.add(where, f"onbekende sleutel {sorted(unknown)[0]!r} (bekend: {', '.join(sorted(MEMBER_KEYS))})")
                ident, name = item.get("id"), item.get("name")
            else:
                c.add(where, "moet een identificatie of { id = ..., name = ... } zijn")
                continue
            if not isinstance(ident, str):
                c.add(where, "identificatie (id) ontbreekt")
                continue
            problem = identifier_problem(kind, ident)
            if problem:
                c.add(where, problem)
                continue
            if ident in seen:
                c.add(where, f"organisatie {ident} staat dubbel in dit bestand (ook {seen[ident]})")
                continue
            if isinstance(item, dict) and "locations" in item:
                locations = _parse_locations(item["locations"], kind, ident, f"{where}.locations", c)
            seen[ident] = where
            name = name or reference_name(kind, ident)
            if not isinstance(name, str) or not name.strip():
                c.add(where, f"naam ontbreekt voor {ident}: schrijf {{ id = \"{ident}\", name = \"...\" }}")
                continue
            members.append(MemberDecl(kind, ident, name.strip(), locations))
    return members


def _parse_locations(value, kind: str, ident: str, where: str, c: _Collector) -> list[str]:
    """A school's locations: DUO vestigingscodes, its BRIN followed by two digits."""
    if ORG_KINDS[kind][1] != "brin":
        c.add(where, "alleen scholen (BRIN) hebben vestigingen")
        return []
    if not isinstance(value, list):
        c.add(where, f"moet een lijst van vestigingscodes zijn, bv. [\"{ident}00\"]")
        return []
    out: list[str] = []
    for i, code in enumerate(value):
        if not isinstance(code, str) or not re.fullmatch(re.escape(ident) + r"[0-9]{2}", code):
            c.add(f"{where}[{i}]", f"{code!r} is geen vestigingscode van {ident} ({ident} en twee cijfers, bv. {ident}00)")
        elif code in out:
            c.add(f"{where}[{i}]", f"vestiging {code} staat dubbel")
        else:
            out.append(code)
    return out


def _parse_instruments(table, schemas: dict, c: _Collector) -> dict[str, InstrumentDecl]:
    if not isinstance(table, dict):
        c.add("instruments", "moet een tabel zijn: [instruments.<sleutel>]")
        return {}
    out: dict[str, InstrumentDecl] = {}
    for key, body in table.items():
        where = f"instruments.{key}"
        if key not in schemas:
            c.add(where, f"onbekend instrument (geïnstalleerd: {', '.join(sorted(schemas)) or 'geen'})")
            continue
        if not isinstance(body, dict):
            c.add(where, "moet een tabel zijn")
            continue
        enabled = body.get("enabled", True)
        if not isinstance(enabled, bool):
            c.add(f"{where}.enabled", f"{enabled!r} is geen ja/nee-waarde (true of false)")
        raw_settings = {k: v for k, v in body.items() if k not in CORE_INSTRUMENT_KEYS}
        schema = schemas[key]
        settings: dict = {}
        if schema is None:
            for k in raw_settings:
                c.add(f"{where}.{k}", "dit instrument heeft geen instellingen")
        else:
            parsed, problems = schema.from_toml(raw_settings)
            for k, reason in problems:
                c.add(f"{where}.{k}", reason)
            if parsed is not None:
                settings = parsed.to_json()
        out[key] = InstrumentDecl(key, enabled if isinstance(enabled, bool) else True, settings)
    return out


def _cross_file_errors(decls: list[RegionDecl]) -> list[str]:
    errors = []
    by_code: dict[str, RegionDecl] = {}
    orgs: dict[str, tuple[MemberDecl, RegionDecl]] = {}
    for decl in decls:
        if decl.rmc_code in by_code:
            errors.append(f"{display_path(decl.path)}: rmc_code: {decl.rmc_code} wordt al beschreven in "
                          f"{display_path(by_code[decl.rmc_code].path)}")
        by_code.setdefault(decl.rmc_code, decl)
        for m in decl.members:
            if m.identifier in orgs:
                other, other_decl = orgs[m.identifier]
                if (other.kind, other.name) != (m.kind, m.name):
                    errors.append(f"{display_path(decl.path)}: members.{m.kind}: {m.identifier} heet hier "
                                  f"'{m.name}' ({m.kind}) maar in {display_path(other_decl.path)} "
                                  f"'{other.name}' ({other.kind})")
            else:
                orgs[m.identifier] = (m, decl)
    return errors
