"""rif's part of the route matrix (protocol: tests/plugin_matrix.py).

rmc-19's coordinating organisation (MC19) is the penvoerder of five applications, one
per state a POST needs: a concept with valid finances (edit, lines), one submitted (the
assessment starts: the platform admin), one in assessment (scores: the platform admin, who
may assess), one scored (the decision: the platform admin, as the ministry would) and one
granted (midterm; it becomes a samenwerkingsovereenkomst, its penvoerder MC19 is in rmc-19's
rif consortium).
A new application needs an mbo penvoerder: the platform admin makes it.
"""
from __future__ import annotations

import datetime as dt
import io

KEY = "rif"
PDF = b"%PDF-1.4\n%%EOF\n"
APPLICATION_FORM = {"title": "Matrixproject", "description": "Een project.", "sectors": ["techniek"],
                    "target_groups": ["entree", "2"], "start": "2026-09-01", "end": "2028-08-31",
                    "requested_subsidy": "1.000,00"}


def build_world(session, world, regions) -> None:
    from core.consortia.models import ConsortiumMember
    from plugins.rif.models import Application, BudgetLine, Partner

    from plugins.rif.models import Attachment, Score

    mine = world.of(KEY)
    # halfway lies on today: the midterm window is open whenever the matrix runs
    today = dt.date.today()
    start, end = today - dt.timedelta(days=400), today + dt.timedelta(days=400)
    for state, status in (("concept", "concept"), ("submitted", "ingediend"), ("assessing", "in_beoordeling"),
                          ("deciding", "in_beoordeling"), ("granted", "toegekend")):
        reference = f"RIF-MATRIX-{state}"
        application = Application(region_id=regions["rmc-19"], organisation_id=world.orgs["MC19"],
                                  reference=reference, title=f"Matrix {state}", requested_subsidy="1000.00",
                                  sectors="techniek", target_groups="2", status=status,
                                  start=start, end=end)
        session.add(application)
        session.flush()
        line = BudgetLine(application_id=application.id, category="personeel", amount="3000.00")
        session.add(line)
        session.add(Partner(region_id=regions["rmc-19"], application_ref=reference,
                            organisation_id=world.orgs["MC19"], partner_id=world.orgs["GM0344"],
                            pledged_cash="2000.00", pledged_in_kind="0.00"))
        session.flush()
        if state == "deciding":  # the committee scored it: the ministry decides
            session.add_all([Score(application_id=application.id, criterion=key, score=3, assessor="commissie")
                             for key in ("samenwerking", "arbeidsmarkt", "onderwijs", "duurzaamheid", "entree")])
        if state == "concept":
            attachment = Attachment(application_id=application.id, kind="overig", filename="matrix.pdf",
                                    content_type="application/pdf", size=len(PDF), content=PDF,
                                    uploaded_by="matrix@rif.example")
            session.add(attachment)
            session.flush()
            mine["attachment"] = attachment.id
        mine[state] = application.id
        mine.setdefault("budget_line", line.id)
    session.add(ConsortiumMember(region_id=regions["rmc-19"], instrument_key=KEY,
                                 organisation_id=world.orgs["MC19"], role="penvoerder"))


ARG_BUILDERS = {"rif_application_id": lambda w, region, rule: w.of(KEY)["concept"],
                "stap": lambda w, region, rule: "financieel",
                "attachment_id": lambda w, region, rule: w.of(KEY)["attachment"]}
ARG_OVERRIDES = {
    ("regio.rif.assess", "rif_application_id"): lambda w, region, rule: w.of(KEY)["assessing"],
    ("regio.rif.midterm", "rif_application_id"): lambda w, region, rule: w.of(KEY)["granted"],
    ("regio.rif.draft_cooperation", "rif_application_id"): lambda w, region, rule: w.of(KEY)["granted"],
    ("regio.rif.transition", "rif_application_id"): lambda w, region, rule: w.of(KEY)["submitted"],
    ("regio.rif.decide", "rif_application_id"): lambda w, region, rule: w.of(KEY)["deciding"],
}
# The platform-wide RIF page sits under a region's rif pages but is for platform admins only.
PLATFORM_ADMIN_ONLY = {"regio.rif.platform"}
# The grant or refusal is the ministry's own write (rif.decide, platform role "ministry").
MINISTRY_OWN = {"regio.rif.decide"}
POST_PAYLOADS = {
    "regio.rif.new": lambda w, who, rule: {**APPLICATION_FORM, "organisation": w.orgs["25LH"]},
    "regio.rif.edit": lambda w, who, rule: {**APPLICATION_FORM, "title": "Gewijzigd matrixproject",
                                            "version": "1"},  # the world's application, as stored
    "regio.rif.add_budget_line": lambda w, who, rule: {"category": "personeel", "amount": "2.500,50"},
    "regio.rif.add_partner": lambda w, who, rule: {"partner": w.orgs["90000011"], "mkb": "y",
                                                   "pledged_cash": "1.000,00", "pledged_in_kind": "0"},
    "regio.rif.remove_line": lambda w, who, rule: {"line": f"budget-{w.of(KEY)['budget_line']}"},
    # submitting needs confirmed pledges (tests/rif/test_agreement.py): the matrix starts an assessment instead
    "regio.rif.transition": lambda w, who, rule: {"to": "in_beoordeling"},
    "regio.rif.decide": lambda w, who, rule: {"outcome": "toegekend", "decided_on": dt.date.today().isoformat(),
                                              "granted_subsidy": "1.000,00", "reasons": "Matrixbesluit."},
    "regio.rif.assess": lambda w, who, rule: {f"score_{key}": "4" for key in
                                              ("samenwerking", "arbeidsmarkt", "onderwijs", "duurzaamheid", "entree")},
    "regio.rif.midterm": lambda w, who, rule: {"reflection": "Op schema.", "adjustments": ""},
    "regio.rif.assessors": lambda w, who, rule: {"email": "beoordelaar@matrix.example"},
    "regio.rif.draft_cooperation": lambda w, who, rule: {},
    "regio.rif.upload": lambda w, who, rule: {"attachment_kind": "overig", "file": (io.BytesIO(PDF), "matrix.pdf")},
}
CONTROL_USERS = {"regio.rif.new": "platform", "regio.rif.assess": "platform", "regio.rif.transition": "platform",
                 "regio.rif.decide": "platform"}


# The statement-count test (tests/core/perf): pages counted, each at most 10 statements (issue 21).
# Before issue 21: rif/ 23 and rif/overzicht 14 with the demo's 3 applications, plus 2 for every application more.
MAIN_PAGES = {"rif/": 10, "rif/overzicht": 10}
# An application's page, for each of rmc-19's demo applications. Before: 16-17 (every partner's pledge years,
# the consortium twice). Now 10: three core statements (user, region, its instruments), the rif.view decision's
# region members, the application with its budget lines and scores, partner lines with pledge years, history,
# attachments, the RIF consortium and the agreements drafted in the region (the pledge confirmations). 11 for a
# submitted application the reader's organisation is no party to: whether the reader is an appointed assessor.
APPLICATION_PAGE = 11


def main_pages(app) -> dict[str, int]:
    """Every demo application page of rmc-19 (its ids are known once the demo is loaded)."""
    from sqlalchemy import select

    from core.db import db_session
    from core.regions.models import Region
    from plugins.rif.models import Application

    with app.app_context():
        session = db_session()
        ids = session.scalars(select(Application.id).join(Region, Region.id == Application.region_id)
                              .where(Region.slug == "rmc-19").order_by(Application.id)).all()
    assert ids, "the demo has applications in rmc-19"
    return {f"rif/{i}": APPLICATION_PAGE for i in ids}


def multiply_rows(conn, tables, factor) -> None:
    """Copies of every application with a new reference, with its budget lines and partners."""
    from sqlalchemy import insert

    from tests.core.perf.bulk import insert_rows, rows_of

    applications, lines, partners = tables["rif_application"], tables["rif_budget_line"], tables["rif_partner"]
    originals = rows_of(conn, applications)
    for copy in range(1, factor):
        for row in originals:
            reference = f"{row['reference']}-{copy}"
            new = {k: v for k, v in row.items() if k not in ("id", "agreement_id")} | {"reference": reference}
            new_id = conn.execute(insert(applications).values(**new).returning(applications.c.id)).scalar_one()
            insert_rows(conn, lines, [{k: v for k, v in line.items() if k != "id"} | {"application_id": new_id}
                                      for line in rows_of(conn, lines, lines.c.application_id == row["id"])])
            insert_rows(conn, partners, [{k: v for k, v in p.items() if k != "id"} | {"application_ref": reference}
                                         for p in rows_of(conn, partners, partners.c.application_ref == row["reference"],
                                                          partners.c.region_id == row["region_id"])])
