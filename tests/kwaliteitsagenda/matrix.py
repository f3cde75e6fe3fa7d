"""kwaliteitsagenda's part of the route matrix (protocol: tests/plugin_matrix.py).

An agenda of an mbo institution per region (ROC Midden Nederland in rmc-19, Zadkine in rmc-29) with one goal,
and gemeente Utrecht (the matrix's viewer) invited to respond in rmc-19. Only an institution's users and the
platform's assessors write here, so the platform admin is the control user.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

KEY = "kwaliteitsagenda"
PERIODS = {"2024-2027": ["Kansengelijkheid", "Aansluiting onderwijs-arbeidsmarkt", "Kwaliteit, onderzoek en innovatie"],
           "2015-2018": ["Professionalisering", "Taal en rekenen", "Bpv", "Excellentie",
                         "Vsv inclusief kwetsbare jongeren", "Studiesucces"]}
REGIONS = {"rmc-19": {"enabled": True, "periods": PERIODS, "report_dates": [dt.date(2026, 3, 1)],
                      "midterm_date": dt.date(2025, 12, 31)},
           "rmc-29": {"enabled": True, "periods": PERIODS}}
GOAL = {"code": "K9", "priority": "Kansengelijkheid", "title": "Meer doorstroom", "baseline": "10",
        "target_2024": "11", "investment": "1000", "result_dependent": "0"}


def build_world(session, world, regions) -> None:
    from core.consortia.models import ConsortiumMember
    from plugins.kwaliteitsagenda.models import CONSENT_GIVEN, Agenda, Goal, Realisation, Response

    data = world.of(KEY)
    for slug, institution in (("rmc-19", "25LH"), ("rmc-29", "25LP")):
        # consent recorded: the agreement can be drafted (sign)
        agenda = Agenda(region_id=regions[slug], organisation_id=world.orgs[institution], period="2024-2027",
                        works_council_date=dt.date(2025, 1, 8), works_council_decision=CONSENT_GIVEN,
                        student_council_date=dt.date(2025, 1, 9), student_council_decision=CONSENT_GIVEN)
        session.add(agenda)
        session.flush()
        goal = Goal(region_id=regions[slug], agenda_id=agenda.id, code="K1", priority="Kansengelijkheid",
                    title="Minder uitval", baseline=Decimal("8"), targets={"2024": "7"},
                    investment=Decimal("1000"), result_dependent=Decimal("500"))
        invited = world.orgs["GM0344" if slug == "rmc-19" else "GM0599"]
        response = Response(region_id=regions[slug], agenda_id=agenda.id, organisation_id=invited,
                            invited_on=dt.date(2025, 1, 6))
        realised = Realisation(region_id=regions[slug], organisation_id=world.orgs[institution], period="2024-2027",
                               goal_code="K1", year=2024, value=Decimal("7.5"))  # the sheet exports a row
        session.add_all([goal, response, realised])
        session.flush()
        data.setdefault("agenda", {})[slug] = agenda.id
        data.setdefault("goal", {})[slug] = goal.id
        data.setdefault("response", {})[slug] = response.id
    for party, role in (("25LH", "deelnemer"), ("MC19", "coordinator")):
        session.add(ConsortiumMember(region_id=regions["rmc-19"], instrument_key=KEY,
                                     organisation_id=world.orgs[party], role=role))


def _of(name):
    return lambda w, region, rule: w.of(KEY)[name].get(region, w.of(KEY)[name]["rmc-19"])


ARG_BUILDERS = {
    "kwaliteitsagenda_agenda_id": _of("agenda"),
    "kwaliteitsagenda_goal_id": _of("goal"),
    "kwaliteitsagenda_response_id": _of("response"),
}
POST_PAYLOADS = {
    "regio.kwaliteitsagenda.new": lambda w, who, rule: {"organisation": w.orgs["01OE"], "period": "2024-2027"},
    "regio.kwaliteitsagenda.goal_new": lambda w, who, rule: dict(GOAL),
    "regio.kwaliteitsagenda.goal_edit": lambda w, who, rule: {**GOAL, "code": "K1", "version": "1"},
    "regio.kwaliteitsagenda.invite": lambda w, who, rule: {"organisation": w.orgs["GM0310"]},
    "regio.kwaliteitsagenda.respond": lambda w, who, rule: {"decision": "akkoord"},
    "regio.kwaliteitsagenda.consent": lambda w, who, rule: {"body": "works_council", "decided_on": "2025-01-10",
                                                            "decision": "instemming"},
    "regio.kwaliteitsagenda.sign": lambda w, who, rule: {},
    "regio.kwaliteitsagenda.assess": lambda w, who, rule: {"kind": "initieel", "verdict": "voldoende",
                                                           "budget_consequence": "1000"},
    "regio.kwaliteitsagenda.realise": lambda w, who, rule: {"goal": "K1", "year": "2025", "value": "7"},
}
CONTROL_USERS = {endpoint: "platform" for endpoint in POST_PAYLOADS}

MAIN_PAGES = {"kwaliteitsagenda/": 8}


def multiply_rows(conn, tables, factor) -> None:
    """(factor - 1) copies of every agenda with its goals and realisations, the period's years shifted back."""
    import json

    from sqlalchemy import select

    from tests.core.perf.bulk import insert_rows, rows_of, shifted

    agendas, goals = tables["kwaliteitsagenda_agenda"], tables["kwaliteitsagenda_goal"]
    realisations = tables["kwaliteitsagenda_realisation"]
    originals, original_goals = rows_of(conn, agendas), rows_of(conn, goals)
    original_realised = rows_of(conn, realisations)
    for copy in range(1, factor):
        insert_rows(conn, agendas, [{**{k: v for k, v in row.items() if k not in ("id", "agreement_id")},
                                     "period": shifted(row["period"], copy)} for row in originals])
        new_ids = {(org, period): id_ for id_, org, period in conn.execute(
            select(agendas.c.id, agendas.c.organisation_id, agendas.c.period))}
        by_id = {row["id"]: row for row in originals}
        copied = []
        for goal in original_goals:
            agenda = by_id[goal["agenda_id"]]
            targets = goal["targets"] if isinstance(goal["targets"], dict) else json.loads(goal["targets"])
            copied.append({**{k: v for k, v in goal.items() if k != "id"},
                           "agenda_id": new_ids[(agenda["organisation_id"], shifted(agenda["period"], copy))],
                           "targets": {shifted(year, copy): value for year, value in targets.items()}})
        insert_rows(conn, goals, copied)
        insert_rows(conn, realisations, [{**{k: v for k, v in row.items() if k != "id"},
                                          "period": shifted(row["period"], copy), "year": row["year"] - 10 * copy}
                                         for row in original_realised])


# The browser tests (tests/browser/test_pages.py): these pages with the demo data, checked by axe-core.
def _agenda_link(suffix: str = ""):
    """The first agenda on the dashboard (the demo's), plus `suffix` (a page of that agenda)."""
    import re

    def find(page, start: str) -> str:
        page.goto(start)
        for href in page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))"):
            if re.search(r"/kwaliteitsagenda/agenda/\d+$", href):
                return href + suffix
        raise AssertionError(f"no agenda linked on {start}")
    return find


_DASHBOARD = "/regio/rmc-19/kwaliteitsagenda/"
BROWSER_PAGES = [
    ("kwaliteitsagenda-dashboard", "coordinator.utrecht", _DASHBOARD),
    ("kwaliteitsagenda-agenda", "coordinator.utrecht", (_DASHBOARD, _agenda_link())),
    ("kwaliteitsagenda-nieuw", "invoer.roc-midden-nederland", f"{_DASHBOARD}agenda/nieuw"),
    ("kwaliteitsagenda-doel", "invoer.roc-midden-nederland", (_DASHBOARD, _agenda_link("/doel/nieuw"))),
    ("kwaliteitsagenda-realisatie", "invoer.roc-midden-nederland", (_DASHBOARD, _agenda_link("/realisatie"))),
    ("kwaliteitsagenda-uitnodigen", "invoer.roc-midden-nederland", (_DASHBOARD, _agenda_link("/uitnodigen"))),
    ("kwaliteitsagenda-instemming", "ondertekenaar.roc-midden-nederland", (_DASHBOARD, _agenda_link("/instemming"))),
    ("kwaliteitsagenda-beoordeling", "commissie", (_DASHBOARD, _agenda_link("/beoordeling"))),
]
BROWSER_ENGLISH = {"kwaliteitsagenda-dashboard", "kwaliteitsagenda-agenda"}
