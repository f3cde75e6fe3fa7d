"""kwetsbare_jongeren's part of the route matrix (protocol: tests/plugin_matrix.py).

One monitor count of the RMC in rmc-19, so the sheet "monitor" exports a row; the RMC
sits in the consortium, so it is a party of the responsibility matrix. The
coordinator (admin of MC19) maintains the matrix and reports for MC19: the default
control user.
"""
from __future__ import annotations

KEY = "kwetsbare_jongeren"


def build_world(session, world, regions) -> None:
    from core.consortia.models import ConsortiumMember
    from plugins.kwetsbare_jongeren.models import MonitorCount

    session.add(ConsortiumMember(region_id=regions["rmc-19"], instrument_key=KEY, organisation_id=world.orgs["MC19"],
                                 role="deelnemer"))
    session.add(MonitorCount(region_id=regions["rmc-19"], organisation_id=world.orgs["MC19"],
                             municipality="GM0310", period="2023-2024", category="in beeld", count=12))


POST_PAYLOADS = {
    "regio.kwetsbare_jongeren.aanpak": lambda w, who, rule: {f"cel_{w.orgs['MC19']}_0": "eindverantwoordelijk",
                                                             "basis": _empty_matrix()},
    "regio.kwetsbare_jongeren.report_counts": lambda w, who, rule: {
        "organisation": w.orgs["MC19"], "municipality": "GM0344", "period": "2024-2025", "cat_0": "7"},
}
# The sheet "monitor-regio" (the published figures) is for reading: only platform admins import it, so the
# coordinator gets 403 on its upload pages (another user's staged upload of a sheet they import: 404).
ADMIN_IMPORT_SHEETS = {(KEY, "monitor-regio")}


def _empty_matrix() -> str:
    """The digest of a matrix with no cells (the world stores none), as the aanpak page's hidden basis."""
    from plugins.kwetsbare_jongeren.views import _matrix_digest

    return _matrix_digest([])


# The statement-count test (tests/core/perf): pages counted, each at most 10 statements (issue 21).
MAIN_PAGES = {"kwetsbare_jongeren/": 10}


def multiply_rows(conn, tables, factor) -> None:
    from tests.core.perf.bulk import copy_by_year

    copy_by_year(conn, tables["kwetsbare_jongeren_count"], "period", factor)
