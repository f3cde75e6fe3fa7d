"""The worst workbook under the Excel limits next to the 100,000-row import, in one run.

Run:  .venv/bin/python benchmarks/excel_worst.py [--rows N]

The worst file stays just under every limit of core/excel/safety.py: a 10 MB
upload whose one sheet unpacks to almost 100 MB of XML, 199,999 rows by 20
columns (just under 4,000,000 cells) of random numbers, without a header row
the sheet declares. It used to take 5.8 s and about 1 GB before it was refused
for the missing header. Target: refused or read within 1 s and under 250 MB peak
RSS. Each measurement runs in a fresh child process (peak RSS is its own, the
interpreter and libraries included); SQLite only.
"""
from __future__ import annotations

import argparse
import io
import json
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import excel as bench  # noqa: E402  (benchmarks/excel.py: app, database, 100,000-row sheet)


def worst_file(path: Path, rows: int = 199_999, columns: int = 20, budget: int = 94 * 1024 * 1024,
               prefix: str = "", addresses: bool = True, tail: str = "") -> dict:
    """A workbook just under the limits: random numbers fill the sheet XML up to `budget` bytes.

    `prefix` ("x:"): every tag written with a namespace prefix, as some .NET tools do; `addresses=False`: rows
    and cells without r="..." (allowed, placed one after another), so the guard walks the sheet (in C in this plain form);
    `tail`: XML after the last row.
    """
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Groeten"
    wb.active["A1"] = 1
    skeleton = io.BytesIO()
    wb.save(skeleton)
    rng = random.Random(18)
    letters = [bench_letter(c) for c in range(columns)]
    p = prefix
    namespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    root = f'<{p}worksheet xmlns{":" + p[:-1] if p else ""}="{namespace}">'
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n{root}<{p}sheetData>'.encode()]
    size = len(parts[0])
    written = 0
    for r in range(1, rows + 1):
        cells = "".join(f'<{p}c{f" r={chr(34)}{letters[c]}{r}{chr(34)}" if addresses else ""}><{p}v>{rng.randrange(4)}'
                        f'</{p}v></{p}c>' for c in range(columns))
        line = f'<{p}row{f" r={chr(34)}{r}{chr(34)}" if addresses else ""}>{cells}</{p}row>'.encode()
        if size + len(line) + 40 > budget:
            break
        parts.append(line)
        size += len(line)
        written = r
    parts.append(f"{tail}</{p}sheetData></{p}worksheet>".encode())
    xml = b"".join(parts)
    source = zipfile.ZipFile(skeleton)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            target.writestr(info.filename, xml if info.filename == "xl/worksheets/sheet1.xml" else source.read(info))
    path.write_bytes(out.getvalue())
    return {"rows": written, "columns": columns, "xml_mb": round(len(xml) / 2**20, 1),
            "file_mb": round(len(out.getvalue()) / 2**20, 1)}


def bench_letter(index: int) -> str:
    from core.excel.reader import column_letter

    return column_letter(index)


def child_worst(args) -> dict:
    from sqlalchemy import select

    from core.db import db_session
    from core.excel import engine
    from core.identity.models import User
    from core.regions.models import Region

    app = bench.build_app(args.database_url)
    data = Path(args.file).read_bytes()
    with app.app_context():
        session = db_session()
        user = session.scalar(select(User).where(User.email == bench.EMAIL))
        region = session.scalar(select(Region).where(Region.slug == "rmc-19"))
        spec = engine.find_sheet(app.extensions["regioplatform"], "hello", "hello-groeten")
        start = time.perf_counter()
        prepared = engine.prepare_import(session, spec=spec, instrument="hello", region=region, user=user,
                                         data=data, filename="worst.xlsx", config=app.config)
        seconds = time.perf_counter() - start
        session.rollback()
    return {"seconds": seconds, "refused": not prepared.ok,
            "message": str(prepared.problems[0]) if prepared.problems else ""}


def child_guard(args) -> dict:
    from core.excel.safety import RefusedFile, check_workbook

    app = bench.build_app(args.database_url)
    data = Path(args.file).read_bytes()
    with app.app_context():
        start, cpu = time.perf_counter(), time.process_time()
        try:
            check_workbook(data, "worst.xlsx")
            refused = ""
        except RefusedFile as exc:
            refused = str(exc)
        return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "refused": refused}


def run(child: str, **options) -> dict:
    command = [sys.executable, __file__, "--child", child]
    for key, value in options.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{child} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def guarded(result: dict) -> str:
    """One line of the size guard's figures."""
    verdict = f"refused: {result['refused'][:80]}" if result["refused"] else "passed"
    return (f"{result['seconds']:.2f} s ({result['cpu']:.2f} s CPU), peak {result['peak_mb']:.0f} MB, "
            f"{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child")
    parser.add_argument("--file")
    parser.add_argument("--database-url")
    parser.add_argument("--kind", default="import")
    args = parser.parse_args()
    if args.child:
        children = {"worst": child_worst, "guard": child_guard}
        result = children.get(args.child, bench.child_import)(args)
        result["peak_mb"] = bench.peak_mb()
        print(json.dumps(result))
        return
    tmp = Path(tempfile.mkdtemp(prefix="excel-worst-"))
    url = f"sqlite:///{tmp}/bench.db"
    orgs = bench.prepare_database(url)
    sheet = tmp / "sheet.xlsx"
    bench.make_sheet(sheet, args.rows, orgs)
    worst = tmp / "worst.xlsx"
    shape = worst_file(worst)
    print(f"worst file: {shape['file_mb']} MB upload, {shape['xml_mb']} MB sheet XML, "
          f"{shape['rows']:,} rows x {shape['columns']} columns, no header")
    result = run("worst", file=worst, database_url=url)
    print(f"  worst file: {result['seconds']:.2f} s, peak {result['peak_mb']:.0f} MB, "
          f"{'refused' if result['refused'] else 'read'}: {result['message'][:100]}")
    result = run("guard", file=worst, database_url=url)
    print(f"  size guard, whole streamed pass over it: {guarded(result)}")
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    near = '<row r="190000"><c r="U190000"><v>1</v></c></row>'  # 190,000 x 21 fits; rounded bounds would not
    for label, name, options in (("every tag prefixed (<x:c>)", "prefixed", {"prefix": "x:"}),
                                 ("one filled cell at XFD1048576", "far", {"tail": far}),
                                 ("a cell at U190000 (exact second pass)", "near", {"tail": near}),
                                 ("no addresses (<row><c><v>, counted in C)", "walked", {"addresses": False})):
        variant = tmp / f"worst-{name}.xlsx"
        shape = worst_file(variant, **options)
        result = run("guard", file=variant, database_url=url)
        print(f"  size guard, the same with {label}, {shape['xml_mb']} MB XML, {shape['rows']:,} rows: "
              f"{guarded(result)}")
    result = run("import", file=sheet, database_url=url, kind="import")
    print(f"  {args.rows:,}-row import (SQLite, end to end): {result['seconds']:.2f} s, peak {result['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
