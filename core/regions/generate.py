"""Regenerate `regions/*.toml` from the shared reference data (never by hand).

Every RMC region gets its RMC, its municipalities (gemeente_rmc.csv), and every
school with a location there: mbo institutions (mbo_locations.csv) and vo and
praktijkonderwijs schools (vo_locations.csv), each naming its locations in the
region. A school with locations in three regions is a member of all three.

What a deployer added is kept: other kinds of members (employers, care
providers, ...), the coordinators, and everything after the `[members]` table
(instrument settings, reminders) byte for byte.

Nothing is written when a data row or a resulting file is invalid; errors name
file, key (or row) and reason, like the loader.
"""
from __future__ import annotations

import csv
import io
import re
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core.orgs import places
from core.orgs.identifiers import BRIN_RE
from core.regions.loader import RegionFileError, display_path, load_regions

# The kinds this command owns; every other kind of member is the deployer's and is kept.
GENERATED_KINDS = ("rmc", "gemeente", "mbo", "vo", "pro")
LOCATION_RE = re.compile(r"^([0-9]{2}[A-Z]{2})[0-9]{2}$")
TABLE_RE = re.compile(r"^\s*\[", re.MULTILINE)
PLACES_FILE = places.PLACES_FILE  # identifier -> places of its locations, read by core.orgs.places


@dataclass
class School:
    kind: str
    brin: str
    name: str
    locations: dict[str, list[str]] = field(default_factory=dict)  # rmc_code -> vestigingscodes
    places: set[str] = field(default_factory=set)  # where its locations are (the picker's search by place)


@dataclass
class RegionData:
    rmc_code: str
    name: str
    regio_number: int
    gemeenten: list[tuple[str, str]] = field(default_factory=list)  # (cbs_code, name)
    schools: list[School] = field(default_factory=list)
    # open mbo institutions without any location in the data, kept where the file already lists them
    unlocated: list[School] = field(default_factory=list)


@dataclass
class Plan:
    """The files to write and what changes, per region."""

    texts: dict[Path, str]
    added: list[tuple[str, str, str]]    # (rmc_code, kind, identifier)
    dropped: list[tuple[str, str, str]]
    moved: list[tuple[str, str, str]]    # (identifier, from rmc_code(s), to rmc_code(s))
    changed_files: list[Path]


def _read(data_dir: Path, name: str, columns: set[str], errors: list[str]) -> list[tuple[int, dict]]:
    path = data_dir / name
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = columns - set(reader.fieldnames or ())
            if missing:
                errors.append(f"{display_path(path)}: kop: kolom {sorted(missing)[0]!r} ontbreekt")
                return []
            return [(i, row) for i, row in enumerate(reader, start=2)]
    except FileNotFoundError:
        errors.append(f"{display_path(path)}: bestand: bestaat niet")
    except UnicodeDecodeError:
        errors.append(f"{display_path(path)}: bestand: geen UTF-8-tekst")
    return []


def read_data(data_dir: str | Path) -> tuple[dict[str, RegionData], dict[str, str]]:
    """(RMC code -> the region's municipalities and schools, BRIN -> name of the open mbo institutions
    without a location in the data), from the CSV files in `data_dir`.

    Raises RegionFileError naming file, row, column and reason for every bad row.
    """
    data_dir = Path(data_dir)
    errors: list[str] = []

    def bad(name: str, line: int, column: str, reason: str) -> None:
        errors.append(f"{display_path(data_dir / name)}: regel {line}: {column}: {reason}")

    regions: dict[str, RegionData] = {}
    for line, row in _read(data_dir, "rmc_regions.csv", {"rmc_code", "name", "regio_number"}, errors):
        if not re.fullmatch(r"MC[0-9]{2}", row["rmc_code"] or ""):
            bad("rmc_regions.csv", line, "rmc_code", f"{row['rmc_code']!r} is geen RMC-code (zoals MC17)")
        elif not (row["regio_number"] or "").isdigit():
            bad("rmc_regions.csv", line, "regio_number", f"{row['regio_number']!r} is geen getal")
        else:
            regions[row["rmc_code"]] = RegionData(row["rmc_code"], row["name"].strip(), int(row["regio_number"]))
    rmc_of: dict[str, str] = {}
    for line, row in _read(data_dir, "gemeente_rmc.csv", {"cbs_code", "rmc_code", "gemeente_name"}, errors):
        if row["rmc_code"] not in regions:
            bad("gemeente_rmc.csv", line, "rmc_code", f"RMC-regio {row['rmc_code']!r} staat niet in rmc_regions.csv")
            continue
        rmc_of[row["cbs_code"]] = row["rmc_code"]
        regions[row["rmc_code"]].gemeenten.append((row["cbs_code"], row["gemeente_name"].strip()))

    def location_row(name: str, line: int, row: dict, seen: set[str]) -> tuple[str, str] | None:
        code, brin = row["vestigingscode"] or "", row["brin"] or ""
        if not BRIN_RE.match(brin):
            bad(name, line, "brin", f"{brin!r} is geen BRIN (twee cijfers en twee hoofdletters)")
        elif not (LOCATION_RE.match(code) and code.startswith(brin)):
            bad(name, line, "vestigingscode", f"{code!r} is geen vestigingscode van {brin} ({brin} en twee cijfers)")
        elif code in seen:
            bad(name, line, "vestigingscode", f"vestiging {code} staat dubbel")
        elif row["cbs_code"] not in rmc_of:
            bad(name, line, "cbs_code", f"gemeente {row['cbs_code']!r} staat niet in gemeente_rmc.csv")
        elif row["rmc_code"] != rmc_of[row["cbs_code"]]:
            bad(name, line, "rmc_code", f"{row['rmc_code']!r} klopt niet met gemeente {row['cbs_code']} "
                                        f"(volgens gemeente_rmc.csv {rmc_of[row['cbs_code']]})")
        else:
            seen.add(code)
            return code, row["rmc_code"]
        return None

    mbo_rows = [row for _l, row in _read(data_dir, "mbo_institutions.csv", {"brin", "name", "duo_date_closed"}, errors)]
    mbo_names = {row["brin"]: row["name"].strip() for row in mbo_rows}
    schools: dict[str, School] = {}
    seen: set[str] = set()
    cols = {"vestigingscode", "brin", "cbs_code", "rmc_code"}
    for line, row in _read(data_dir, "mbo_locations.csv", cols, errors):
        found = location_row("mbo_locations.csv", line, row, seen)
        if found is None:
            continue
        if row["brin"] not in mbo_names:
            bad("mbo_locations.csv", line, "brin", f"{row['brin']} staat niet in mbo_institutions.csv")
            continue
        school = schools.setdefault(row["brin"], School("mbo", row["brin"], mbo_names[row["brin"]]))
        school.locations.setdefault(found[1], []).append(found[0])
        school.places.add((row.get("place") or row.get("gemeente_name") or "").strip())
    vo: dict[str, list[tuple[str, str, bool]]] = {}
    vo_names: dict[str, str] = {}
    vo_places: dict[str, set[str]] = {}
    seen = set()  # a location code may be in both files (an mbo institution's vmbo location)
    for line, row in _read(data_dir, "vo_locations.csv", cols | {"school_name", "is_pro"}, errors):
        found = location_row("vo_locations.csv", line, row, seen)
        if found is None:
            continue
        if row["is_pro"] not in ("yes", "no"):
            bad("vo_locations.csv", line, "is_pro", f"{row['is_pro']!r} is geen yes of no")
            continue
        if not (row["school_name"] or "").strip():
            bad("vo_locations.csv", line, "school_name", "ontbreekt")
            continue
        if row["brin"] in mbo_names:
            continue  # an mbo institution's vmbo locations: it is already a member as an mbo institution
        vo_names.setdefault(row["brin"], row["school_name"].strip())
        vo.setdefault(row["brin"], []).append((found[0], found[1], row["is_pro"] == "yes"))
        vo_places.setdefault(row["brin"], set()).add((row.get("gemeente_name") or "").strip())
    for brin, rows in vo.items():
        # praktijkonderwijs when every location is; a scholengemeenschap with a pro department stays vo
        kind = "pro" if all(is_pro for _c, _r, is_pro in rows) else "vo"
        school = schools.setdefault(brin, School(kind, brin, vo_names[brin]))
        school.places |= vo_places[brin]
        for code, rmc, _p in rows:
            school.locations.setdefault(rmc, []).append(code)
    if errors:
        raise RegionFileError(errors)
    for school in sorted(schools.values(), key=lambda s: s.brin):
        for rmc in school.locations:
            regions[rmc].schools.append(school)
    unlocated = {row["brin"]: mbo_names[row["brin"]] for row in mbo_rows
                 if row["brin"] not in schools and not (row["duo_date_closed"] or "").strip()}
    return regions, unlocated


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _split_existing(text: str) -> tuple[str, str]:
    """(the [members] table, everything after it) of an existing region file."""
    match = re.search(r"^\[members\][ \t]*(#.*)?$", text, re.MULTILINE)
    if match is None:
        nxt = TABLE_RE.search(text)
        return "", text[nxt.start():] if nxt else ""
    nxt = TABLE_RE.search(text, match.end())
    return text[match.start():nxt.start() if nxt else len(text)], text[nxt.start():] if nxt else ""


def _member_line(item) -> str:
    if isinstance(item, str):
        return _q(item)
    parts = [f"{key} = {_q(item[key])}" for key in ("id", "name") if key in item]
    if "locations" in item:
        parts.append("locations = [" + ", ".join(_q(c) for c in item["locations"]) + "]")
    return "{ " + ", ".join(parts) + " }"


def render(region: RegionData, existing: dict | None, tail: str, data_label: str) -> str:
    """The text of one region file: generated members, the deployer's members, coordinators and tail kept."""
    existing = existing or {}
    coordinators = existing.get("coordinators") or [region.rmc_code]
    lines = [
        f"# RMC-regio {region.regio_number:02d} {region.name} ({region.rmc_code}).",
        f"# Gegenereerd met `regio regions generate` uit {data_label}: gemeenten (CBS 2025), mbo-vestigingen",
        "# (KiesMBO/DUO) en vo-vestigingen (DUO); een school staat in elke regio waar ze een vestiging heeft.",
        "# Eigen leden (werkgevers e.d.), coördinatoren en alles na [members] blijven bij opnieuw genereren staan.",
        f"rmc_code = {_q(region.rmc_code)}",
        f"name = {_q(existing.get('name') or region.name)}",
        "coordinators = [" + ", ".join(_q(c) for c in coordinators) + "]",
        "",
        "[members]",
        f"rmc = [{_q(region.rmc_code)}]",
        "gemeente = [",
    ]
    lines += [f"    {_q(code)},  # {name}" for code, name in sorted(region.gemeenten)]
    lines.append("]")
    for kind in ("mbo", "vo", "pro"):
        schools = [s for s in region.schools if s.kind == kind]
        if not schools and not (kind == "mbo" and region.unlocated):
            continue
        lines.append(f"{kind} = [")
        for s in schools:
            item = {"id": s.brin, "locations": sorted(s.locations[region.rmc_code])}
            if kind != "mbo":  # mbo names come from the platform's reference data
                item["name"] = s.name
            lines.append(f"    {_member_line(item)},  # {s.name}" if kind == "mbo" else f"    {_member_line(item)},")
        if kind == "mbo":
            lines += [f"    {_q(s.brin)},  # {s.name} (geen vestigingen in de data; blijft staan)" for s in region.unlocated]
        lines.append("]")
    for kind, items in (existing.get("members") or {}).items():
        if kind in GENERATED_KINDS or not isinstance(items, list):
            continue
        lines.append(f"{kind} = [")
        lines += [f"    {_member_line(item)}," for item in items]
        lines.append("]")
    text = "\n".join(lines) + "\n"
    if tail:
        text += "\n" + tail.lstrip("\n")
    return text


def _member_ids(parsed: dict | None) -> dict[str, str]:
    out = {}
    for kind, items in ((parsed or {}).get("members") or {}).items():
        if kind in GENERATED_KINDS and isinstance(items, list):
            for item in items:
                ident = item if isinstance(item, str) else (item.get("id") if isinstance(item, dict) else None)
                if isinstance(ident, str):
                    out[ident] = kind
    return out


def plan(data_dir: str | Path, regions_dir: str | Path, schemas: dict) -> Plan:
    """Compute the new region files and their differences; raises RegionFileError on any problem."""
    data_dir, regions_dir = Path(data_dir), Path(regions_dir)
    data, unlocated = read_data(data_dir)
    errors: list[str] = []
    existing: dict[str, tuple[Path, str, dict]] = {}
    for path in sorted(regions_dir.glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        try:
            parsed = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            errors.append(f"{display_path(path)}: toml: geen geldige TOML: {exc}")
            continue
        code = parsed.get("rmc_code")
        if code not in data:
            errors.append(f"{display_path(path)}: rmc_code: RMC-regio {code!r} staat niet in rmc_regions.csv")
            continue
        existing[code] = (path, text, parsed)
    if errors:
        raise RegionFileError(errors)
    texts: dict[Path, str] = {}
    before: dict[str, dict[str, str]] = {}
    after: dict[str, dict[str, str]] = {}
    for code, region in sorted(data.items()):
        path, text, parsed = existing.get(code, (regions_dir / f"rmc-{region.regio_number:02d}.toml", "", None))
        _members, tail = _split_existing(text) if text else ("", "")
        region.unlocated = [School("mbo", brin, unlocated[brin]) for brin, kind in sorted(_member_ids(parsed).items())
                            if kind == "mbo" and brin in unlocated]
        texts[path] = render(region, parsed, tail, display_path(data_dir))
        before[code] = _member_ids(parsed)
        after[code] = {code: "rmc", **{c: "gemeente" for c, _n in region.gemeenten},
                       **{s.brin: s.kind for s in region.schools + region.unlocated}}
    _validate(texts, schemas)
    added = [(code, after[code][i], i) for code in after for i in sorted(set(after[code]) - set(before[code]))]
    dropped = [(code, before[code][i], i) for code in after for i in sorted(set(before[code]) - set(after[code]))]
    moved = []
    for ident in sorted({i for _c, _k, i in dropped} & {i for _c, _k, i in added}):
        moved.append((ident, ", ".join(c for c, _k, i in dropped if i == ident),
                      ", ".join(c for c, _k, i in added if i == ident)))
    texts[regions_dir / PLACES_FILE] = render_places(data)
    changed = [p for p, t in texts.items() if not p.exists() or p.read_text(encoding="utf-8") != t]
    return Plan(texts, added, dropped, moved, changed)


def render_places(data: dict[str, RegionData]) -> str:
    """`places.csv` beside the region files: every school's identifier and the places of its locations."""
    schools = {s.brin: s for region in data.values() for s in region.schools}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["identifier", "places"])
    for brin in sorted(schools):
        writer.writerow([brin, "; ".join(sorted(p for p in schools[brin].places if p))])
    return out.getvalue()


def _validate(texts: dict[Path, str], schemas: dict) -> None:
    """Run the loader over the new texts in a scratch directory; errors name the real file."""
    with tempfile.TemporaryDirectory() as scratch:
        names = {}
        for path, text in texts.items():
            if path.suffix != ".toml":
                continue
            (Path(scratch) / path.name).write_text(text, encoding="utf-8")
            names[display_path(Path(scratch) / path.name)] = display_path(path)
        try:
            load_regions(scratch, schemas)
        except RegionFileError as exc:
            lines = []
            for line in exc.errors:
                for tmp, real in names.items():
                    line = line.replace(tmp, real)
                lines.append(line)
            raise RegionFileError(lines) from None


def write(result: Plan) -> None:
    """Write the planned files (only those that change)."""
    for path in result.changed_files:
        scratch = path.with_name(path.name + ".tmp")
        scratch.write_text(result.texts[path], encoding="utf-8")
        scratch.replace(path)
