"""Demo records: a few RIF projects in Utrecht and Rijnmond with real mbo institutions as penvoerder.

The institutions, gemeenten and regions are real (core/reference/data); the
employers are the fictitious demo employers of the region files, and every
amount is a plausible generated figure, marked as demo data (is_demo) on the pages.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from sqlalchemy import select

from core.plugin_api import DemoAgreement, DemoConsortiumMember, Organisation

from .models import Application, BudgetLine, Partner, Score, StatusChange
from .rules import ASSESSING, CLOSED, CONCEPT, GRANTED, GRANTED_STATES, MIDTERM, REJECTED, SUBMITTED, finances

# (reference suffix, penvoerder, title, sectors, target groups, start, end, status,
#  budget [(category, description, amount)], subsidy,
#  partners [(identifier, mkb, cash, in kind, what in kind, delivered cash, delivered in kind)], scores)
PROJECTS = {
    "MC19": [
        ("0001", "25LH", "Zorgtechnologie in de wijk (demo)", "zorg_welzijn,ict", "2,3,4",
         dt.date(2025, 2, 1), dt.date(2028, 1, 31), MIDTERM,
         [("personeel", "Hybride docenten en praktijkbegeleiders", D("420000.00")),
          ("materieel", "Zorgtechnologielab", D("180000.00")), ("ontwikkeling", "Keuzedelen zorgtechnologie",
                                                                  D("90000.00"))],
         D("230000.00"),
         [("25LH", False, D("60000.00"), D("120000.00"), "Uren docenten", D("60000.00"), D("101000.00")),
          ("90000012", False, D("50000.00"), D("150000.00"), "Hybride docenten en leerwerkplekken",
           D("50000.00"), D("96000.00")),
          ("GM0344", False, D("80000.00"), D("0.00"), None, D("80000.00"), None)],
         {"samenwerking": 4, "arbeidsmarkt": 5, "onderwijs": 4, "duurzaamheid": 3, "entree": 2},
         "De lessen in het lab lopen goed; de zorggroep levert minder uren dan toegezegd door personeelstekort."),
        ("0002", "30RN", "Bouwhub Domstad: circulair bouwen (demo)", "bouw,energie", "entree,2,3",
         dt.date(2025, 9, 1), dt.date(2028, 8, 31), GRANTED,
         [("personeel", "Praktijkopleiders op de bouwplaats", D("210000.00")),
          ("huisvesting", "Praktijkhal op locatie", D("150000.00")),
          ("materieel", "Gereedschap en materialen", D("60000.00"))],
         D("140000.00"),
         [("30RN", False, D("40000.00"), D("60000.00"), "Uren docenten", None, None),
          ("90000011", True, D("30000.00"), D("120000.00"), "Praktijkhal en praktijkopleiders", None, None),
          ("GM0356", False, D("30000.00"), D("0.00"), None, None, None)],
         {"samenwerking": 4, "arbeidsmarkt": 4, "onderwijs": 3, "duurzaamheid": 5, "entree": 5}, None),
        ("0003", "01OE", "Slimme kas: groene techniek (demo)", "voedsel_groen,techniek", "3,4",
         dt.date(2026, 9, 1), dt.date(2029, 8, 31), SUBMITTED,
         [("personeel", "Docenten en teeltspecialisten", D("150000.00")),
          ("materieel", "Sensoren en klimaatcomputer", D("90000.00"))],
         D("80000.00"),
         [("01OE", False, D("40000.00"), D("50000.00"), "Uren docenten", None, None),
          ("GM0321", False, D("70000.00"), D("0.00"), None, None, None)],
         {}, None),
    ],
    "MC29": [
        ("0001", "00GT", "Haven Werkt: logistiek en automatisering (demo)", "logistiek,techniek", "2,3",
         dt.date(2024, 9, 1), dt.date(2027, 8, 31), MIDTERM,
         [("personeel", "Hybride docenten uit de haven", D("360000.00")),
          ("materieel", "Simulator kraan en terminal", D("240000.00"))],
         D("200000.00"),
         [("00GT", False, D("50000.00"), D("100000.00"), "Uren docenten", D("50000.00"), D("88000.00")),
          ("90000021", False, D("50000.00"), D("120000.00"), "Simulator en stageplaatsen", D("50000.00"),
           D("110000.00")),
          ("90000022", True, D("10000.00"), D("70000.00"), "Praktijkopleiders", D("10000.00"), D("42000.00"))],
         {"samenwerking": 5, "arbeidsmarkt": 5, "onderwijs": 4, "duurzaamheid": 3, "entree": 1},
         "De simulator draait; het mkb-installatiebedrijf kon minder praktijkopleiders vrijmaken dan gepland."),
        ("0002", "25LP", "Installateur van de energietransitie (demo)", "energie,techniek", "entree,2",
         dt.date(2026, 2, 1), dt.date(2029, 1, 31), ASSESSING,
         [("personeel", "Docenten en leermeesters", D("180000.00")),
          ("ontwikkeling", "Entree-route warmtepompen", D("60000.00"))],
         D("80000.00"),
         [("25LP", False, D("30000.00"), D("50000.00"), "Uren docenten", None, None),
          ("90000022", True, D("20000.00"), D("60000.00"), "Leermeesters", None, None)],
         {"samenwerking": 4, "arbeidsmarkt": 4}, None),
        # A concept whose partners confirmed their pledges by co-signing its samenwerkingsovereenkomst
        # (DEMO_AGREEMENT below): ready for the penvoerder's signatory to submit.
        ("0003", "25LP", "Praktijkroute energietechniek (demo)", "energie,techniek", "2,3",
         dt.date(2027, 2, 1), dt.date(2029, 1, 31), CONCEPT,
         [("personeel", "Docenten en praktijkopleiders", D("150000.00")),
          ("materieel", "Oefenwand warmtepompen", D("60000.00"))],
         D("70000.00"),
         [("25LP", False, D("40000.00"), D("40000.00"), "Uren docenten", None, None),
          ("MC29", False, D("0.00"), D("60000.00"), "Trajectbegeleiding door het RMC", None, None)],
         {}, None),
    ],
}
# region code -> the demo consortium: (organisation identifier, consortium role)
CONSORTIUM = {
    "MC19": [("25LH", "penvoerder"), ("90000011", "partner"), ("90000012", "partner"), ("GM0344", "adviseur")],
    "MC29": [("25LP", "penvoerder"), ("90000021", "partner"), ("90000022", "partner"), ("MC29", "partner")],
}
PATH = {CONCEPT: [], SUBMITTED: [SUBMITTED], ASSESSING: [SUBMITTED, ASSESSING],
        GRANTED: [SUBMITTED, ASSESSING, GRANTED], MIDTERM: [SUBMITTED, ASSESSING, GRANTED, MIDTERM],
        CLOSED: [SUBMITTED, ASSESSING, GRANTED, MIDTERM, CLOSED]}


# Stored as the applications' description (data, not interface text: it stays Dutch).
DESCRIPTION = "Demoproject met gegenereerde bedragen: een publiek-private samenwerking in de regio."
# Who acted in the demo's history (the scores are the national committee's, the decisions the ministry's).
COMMITTEE, MINISTRY = "commissie (demo)", "ministerie (demo)"
DECISION_REASONS = "Demobesluit: de commissie adviseert positief; de cofinanciering is door alle partners bevestigd."
# The concept whose partners co-signed its samenwerkingsovereenkomst (signed by the demo users of its parties).
DEMO_AGREEMENT = ("MC29", "0003", ("25LP", "MC29"))


def demo_data(session, regions) -> list:
    """The demo projects (added here), the consortium for the core to seat and the samenwerkingsovereenkomst
    that confirms the demo concept's pledges (drafted, sent and signed by the core)."""
    load(session, regions)
    out: list = [DemoConsortiumMember(region.rmc_code, organisation, role)
                 for region in regions for organisation, role in CONSORTIUM.get(region.rmc_code, ())]
    agreement = pledge_agreement(session, regions)
    return out + ([agreement] if agreement is not None else [])


def pledge_agreement(session, regions) -> DemoAgreement | None:
    """The samenwerkingsovereenkomst of the demo concept, with its terms as the application writes them."""
    from .agreement import TEMPLATE_KEY, terms_of, title_of

    code, suffix, parties = DEMO_AGREEMENT
    if code not in {r.rmc_code for r in regions}:
        return None
    application = session.scalar(select(Application).where(Application.reference == f"RIF-{code}-{suffix}"))
    if application is None:
        return None
    session.refresh(application)
    costs = sum((line.amount for line in application.budget_lines), D("0"))
    money = finances(costs, application.requested_subsidy,
                     [(p.pledged_cash, p.pledged_in_kind) for p in application.partners])
    return DemoAgreement(region=code, template=TEMPLATE_KEY, title=title_of(application),
                         terms=terms_of(application, money), parties=parties)


def load(session, regions) -> None:
    for region in regions:
        members = {m.organisation.identifier: m.organisation for m in region.members}
        for (suffix, lead, title, sectors, groups, start, end, status, budget, subsidy, partners, scores,
             reflection) in PROJECTS.get(region.rmc_code, []):
            reference = f"RIF-{region.rmc_code}-{suffix}"
            if lead not in members or session.scalar(select(Application.id).where(Application.reference == reference)):
                continue
            application = Application(
                region_id=region.id, organisation_id=members[lead].id, reference=reference, title=title,
                description=DESCRIPTION,
                sectors=sectors, target_groups=groups, start=start, end=end, requested_subsidy=subsidy,
                status=status, is_demo=True, reflection=reflection)
            session.add(application)
            session.flush()
            for category, description, amount in budget:
                session.add(BudgetLine(application_id=application.id, category=category, description=description,
                                       amount=amount))
            for identifier, mkb, cash, in_kind, what, d_cash, d_kind in partners:
                org = members.get(identifier) or session.scalar(
                    select(Organisation).where(Organisation.identifier == identifier))
                if org is None:
                    continue
                session.add(Partner(region_id=region.id, application_ref=reference,
                                    organisation_id=application.organisation_id, partner_id=org.id, mkb=mkb,
                                    pledged_cash=cash, pledged_in_kind=in_kind, in_kind_description=what,
                                    delivered_cash=d_cash, delivered_in_kind=d_kind))
            for criterion, score in scores.items():
                session.add(Score(application_id=application.id, criterion=criterion, score=score,
                                  assessor=COMMITTEE))
            if status in GRANTED_STATES or status == REJECTED:  # the ministry decided, on the committee's scores
                application.decided_on = start - dt.timedelta(days=60)
                application.granted_subsidy = subsidy if status != REJECTED else None
                application.decision_reasons = DECISION_REASONS
                application.decided_by = MINISTRY
            previous = CONCEPT
            for step in PATH[status]:
                actor = MINISTRY if step in (GRANTED, REJECTED) else COMMITTEE if step == ASSESSING else "demo"
                session.add(StatusChange(application_id=application.id, from_status=previous, to_status=step,
                                         actor=actor))
                previous = step
