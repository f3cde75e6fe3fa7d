"""Public reference data shipped with the platform (see data/README.md).

Copied from the project's shared reference set: CBS municipalities and RMC
regions (2025) and the mbo institutions with their BRIN codes.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Municipality:
    cbs_code: str
    name: str
    province: str
    rmc_code: str


@dataclass(frozen=True)
class RmcRegion:
    rmc_code: str
    name: str
    regio_number: int


@dataclass(frozen=True)
class MboInstitution:
    brin: str
    name: str
    place: str
    closed_on: str


def _rows(name: str) -> list[dict]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def municipalities() -> dict[str, Municipality]:
    """CBS code -> municipality (342 of them, 2025 division)."""
    rmc_of = {row["cbs_code"]: row["rmc_code"] for row in _rows("gemeente_rmc.csv")}
    return {
        row["cbs_code"]: Municipality(row["cbs_code"], row["name"], row["province"], rmc_of[row["cbs_code"]])
        for row in _rows("gemeenten.csv")
    }


@cache
def rmc_regions() -> dict[str, RmcRegion]:
    """RMC code (MC01..MC41, no MC14) -> region."""
    return {
        row["rmc_code"]: RmcRegion(row["rmc_code"], row["name"], int(row["regio_number"]))
        for row in _rows("rmc_regions.csv")
    }


@cache
def mbo_institutions() -> dict[str, MboInstitution]:
    """BRIN -> mbo institution."""
    return {
        row["brin"]: MboInstitution(row["brin"], row["name"], row["place"], row["duo_date_closed"])
        for row in _rows("mbo_institutions.csv")
    }
