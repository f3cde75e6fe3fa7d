"""vsv's part of the route matrix (protocol: tests/plugin_matrix.py)."""
from __future__ import annotations

KEY = "vsv"


def build_world(session, world, regions) -> None:
    """A municipality's figures in rmc-19 and rmc-29 (and one per mbo institution in rmc-19)."""
    from plugins.vsv.models import VsvFigure

    figures = world.of(KEY).setdefault("figure", {})
    for slug, municipality in (("rmc-19", "GM0344"), ("rmc-29", "GM0599")):
        figure = VsvFigure(region_id=regions[slug], organisation_id=world.orgs[municipality], school_year="2024-2025",
                           participants=1000, new_leavers=20)
        session.add(figure)
        session.flush()
        figures[slug] = figure.id
    session.add(VsvFigure(region_id=regions["rmc-19"], organisation_id=world.orgs["GM0344"],
                          school_year="2024-2025", brin="25LH", participants=300, new_leavers=6))


ARG_BUILDERS = {
    "vsv_figure_id": lambda w, region, rule: w.of(KEY)["figure"].get(region, w.of(KEY)["figure"]["rmc-19"]),
}
# The coordinator is the region's admin, who may report for every municipality.
POST_PAYLOADS = {
    "regio.vsv.report": lambda w, who, rule: {"school_year": "2025-2026", "municipality": w.orgs["GM0344"],
                                              "participants": "900", "new_leavers": "9"},
    "regio.vsv.edit": lambda w, who, rule: {"participants": "901", "new_leavers": "9",
                                            "version": "1"},  # the version the world's figure was stored with
}


# The statement-count test (tests/core/perf): pages counted, each at most 10 statements (issue 21).
MAIN_PAGES = {"vsv/": 9, "vsv/cijfers": 10, "vsv/cijfers?schooljaar=alle": 10, "afspraken/vsv/": 10}


def multiply_rows(conn, tables, factor) -> None:
    from tests.core.perf.bulk import copy_by_year

    copy_by_year(conn, tables["vsv_figure"], "school_year", factor)
