"""Part names as some Windows tools write them (`xl\\worksheets\\sheet1.xml`, `/xl/workbook.xml`) made standard.

The zip specification wants forward slashes and no leading slash; calamine
looks parts up by exact name, so such a workbook read as "geen Excel-werkmap".
`part_name` is what the safety check compares (so its guards see every sheet,
however it is spelled); `normalised` rewrites the archive in memory with
standard names, after the safety check passed and before the reader sees it.
"""
from __future__ import annotations

import io
import zipfile


def part_name(name: str) -> str:
    """The standard spelling of a zip entry's name: forward slashes, no leading slash."""
    return name.replace("\\", "/").lstrip("/")


def needs_normalising(names) -> bool:
    return any(part_name(n) != n for n in names)


def normalised(data: bytes) -> bytes:
    """The same workbook with standard part names (the bytes unchanged when they already are).

    Call only on data that passed `safety.check_workbook`: the entries are read
    whole here, and the check bounds their size and count.
    """
    archive = zipfile.ZipFile(io.BytesIO(data))
    infos = archive.infolist()
    if not needs_normalising(i.filename for i in infos):
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in infos:
            if info.is_dir():
                continue
            target.writestr(part_name(info.filename), archive.read(info))
    return out.getvalue()
