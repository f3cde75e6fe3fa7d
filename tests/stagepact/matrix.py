"""stagepact's part of the route matrix (protocol: tests/plugin_matrix.py).

One report of an mbo institution per region. Only an institution's editors write
reports (the coordinator reads them), so the platform admin is the control user.
"""
from __future__ import annotations

KEY = "stagepact"
FORM = {"has_desk": "ja", "has_procedure": "ja", "reports_received": "10", "reports_handled": "8",
        "reports_forwarded": "2", "teams_matching": "6", "teams_total": "31",
        "measure_kinds": ["Training van stagebegeleiders"], "other_measures": "Gastlessen"}


def build_world(session, world, regions) -> None:
    from plugins.stagepact.models import Report

    reports = world.of(KEY).setdefault("report", {})
    for slug, institution in (("rmc-19", "25LH"), ("rmc-29", "25LP")):
        report = Report(region_id=regions[slug], organisation_id=world.orgs[institution], school_year="2024-2025",
                        has_desk=True, has_procedure=False, reports_received=5, reports_handled=4,
                        reports_forwarded=1, teams_matching=3, teams_total=30, measures="Gastlessen")
        session.add(report)
        session.flush()
        reports[slug] = report.id


ARG_BUILDERS = {
    "stagepact_report_id": lambda w, region, rule: w.of(KEY)["report"].get(region, w.of(KEY)["report"]["rmc-19"]),
}
POST_PAYLOADS = {
    "regio.stagepact.new": lambda w, who, rule: {**FORM, "organisation": w.orgs["01OE"], "school_year": "2024-2025"},
    "regio.stagepact.show": lambda w, who, rule: {**FORM, "version": "1"},  # the world's report, as stored
}
CONTROL_USERS = {"regio.stagepact.new": "platform", "regio.stagepact.show": "platform"}


# The statement-count test (tests/core/perf): pages counted, each at most 10 statements (issue 21).
MAIN_PAGES = {"stagepact/": 9}


def multiply_rows(conn, tables, factor) -> None:
    from tests.core.perf.bulk import copy_by_year

    copy_by_year(conn, tables["stagepact_report"], "school_year", factor)
