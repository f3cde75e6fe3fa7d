"""Figures for the region dashboard, the platform overview and the national overview (computed, never typed)."""
from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import case, func, select

from core.plugin_api import (NationalSection, NationalTable, Region, Series, _, bar_chart, completeness, db_session,
                             lazy_gettext)

from .models import Application, Partner
from .rules import CONCEPT, GRANTED_STATES, REJECTED, SECTORS, ZERO, share

# Landelijke cijfers RIF 2014-2018 (evaluatie van het Regionaal Investeringsfonds mbo; zie issue 8).
NATIONAL_2014_2018 = {"projects": 120, "subsidy": Decimal("107600000"), "partners": Decimal("226700000")}


@dataclass
class Delivery:
    """Pledged and delivered in kind, summed over partner lines (a project's, or one partner's)."""

    label: str
    pledged: Decimal = ZERO
    delivered: Decimal = ZERO
    reported: bool = False  # at least one delivered figure was filled in
    expected: dict = field(default_factory=dict)  # a project's partners with an in-kind pledge: id -> name
    accounted: set = field(default_factory=set)  # the ids of those that reported what they delivered

    def rate(self, threshold=None):
        """The delivered share of the pledge (see rules.share); None before anything is reported."""
        return share(self.delivered, self.pledged, threshold) if self.reported else None

    @property
    def completeness(self):
        """Which of the project's partners with an in-kind pledge reported what they delivered."""
        return completeness(self.expected, self.accounted, noun="partner")

    @property
    def complete(self) -> bool:
        """Every partner accounted for (a partner's own row sums only its own lines: always complete)."""
        return not self.expected or self.completeness.is_complete


@dataclass
class Dashboard:
    sectors: list = field(default_factory=list)  # (label, applications, granted subsidy)
    partner_lines: int = 0
    mkb_lines: int = 0
    kinds: list = field(default_factory=list)  # (kind label, count)
    projects: int = 0
    entree_projects: int = 0
    per_partner: list = field(default_factory=list)
    per_project: list = field(default_factory=list)
    threshold: int = 80
    sector_chart: str = ""
    delivery_chart: str = ""

    @property
    def mkb_share(self):
        return share(self.mkb_lines, self.partner_lines)

    @property
    def entree_share(self):
        return share(self.entree_projects, self.projects)

    def low(self, row: Delivery) -> bool:
        """Below the threshold: judged only when every partner of the sum reported (core's Completeness)."""
        rate = row.rate(self.threshold)
        return rate is not None and row.complete and rate < self.threshold


def build(applications, threshold: int) -> Dashboard:
    out = Dashboard(threshold=threshold)
    submitted = [a for a in applications if a.status != CONCEPT]
    counts, granted = defaultdict(int), defaultdict(lambda: ZERO)
    for a in submitted:
        for sector in a.sector_list:
            counts[sector] += 1
            if a.status in GRANTED_STATES:
                granted[sector] += a.requested_subsidy
    out.sectors = [(SECTORS.get(k, k), counts[k], granted[k]) for k in SECTORS if counts[k]]
    out.projects = len(submitted)
    out.entree_projects = sum(1 for a in submitted if "entree" in a.target_group_list)
    kinds = defaultdict(int)
    partners: dict[int, Delivery] = {}
    for a in submitted:
        project = Delivery(f"{a.reference} {a.title}")
        for p in a.partners:
            out.partner_lines += 1
            out.mkb_lines += 1 if p.mkb else 0
            kinds[p.partner.kind_label] += 1
            row = partners.setdefault(p.partner_id, Delivery(f"{p.partner.name} ({p.partner.identifier})"))
            for target in (row, project):
                target.pledged += p.pledged_in_kind or ZERO
                if p.delivered_in_kind is not None:
                    target.delivered += p.delivered_in_kind
                    target.reported = True
            if p.pledged_in_kind:
                project.expected[p.partner_id] = p.partner.name
                if p.delivered_in_kind is not None:
                    project.accounted.add(p.partner_id)
        if a.status in GRANTED_STATES:
            out.per_project.append(project)
    out.kinds = sorted(kinds.items())
    out.per_partner = sorted((r for r in partners.values() if r.pledged), key=lambda r: r.label)
    # Charts and their texts in the reader's language: build() runs while a page is rendered.
    if out.sectors:
        out.sector_chart = bar_chart(
            _("Aanvragen per sector"),
            _("Aantal ingediende aanvragen per sector; de tabel ernaast geeft dezelfde aantallen en ook de "
              "toegekende subsidie."),
            [str(s[0]) for s in out.sectors], [Series(_("Aanvragen"), tuple(s[1] for s in out.sectors))])
    reported = [r for r in out.per_project if r.reported]
    if reported:
        out.delivery_chart = bar_chart(
            _("Cofinanciering in natura per project"),
            _("Toegezegd en geleverd in natura per toegekend project, in euro; de tabel ernaast geeft dezelfde "
              "bedragen en het geleverde percentage."),
            [r.label.split(" ", 1)[0] for r in reported],
            [Series(_("Toegezegd"), tuple(r.pledged for r in reported)),
             Series(_("Geleverd"), tuple(r.delivered for r in reported))], unit="€")
    return out


def platform_totals(session):
    """Per region: applications, granted subsidy and pledged co-financing (platform admins only)."""
    rows = defaultdict(lambda: {"applications": 0, "granted": ZERO, "pledged": ZERO, "demo": False})
    for a in session.scalars(select(Application).where(Application.status != CONCEPT)):
        row = rows[a.region_id]
        row["region"] = a.region_id
        row["applications"] += 1
        row["demo"] = row["demo"] or a.is_demo
        if a.status in GRANTED_STATES:
            row["granted"] += a.requested_subsidy
            row["pledged"] += sum((p.pledged for p in a.partners), ZERO)

    names = {r.id: r.name for r in session.scalars(select(Region).where(Region.id.in_(list(rows))))} if rows else {}
    return [dict(v, name=names.get(k, str(k))) for k, v in sorted(rows.items(), key=lambda kv: names.get(kv[0], ""))]


# --- the platform page (platform admins) ------------------------------------------------

@dataclass
class RegionMix:
    name: str
    partner_lines: int
    mkb_lines: int
    projects: int
    entree_projects: int

    @property
    def mkb_share(self):
        return share(self.mkb_lines, self.partner_lines)

    @property
    def entree_share(self):
        return share(self.entree_projects, self.projects)


@dataclass
class Platform:
    """Every region's submitted applications together, with a chart beside each table."""

    overall: Dashboard
    regions: list = field(default_factory=list)  # RegionMix per region with submitted applications
    totals: RegionMix | None = None
    demo: bool = False
    count_chart: str = ""
    subsidy_chart: str = ""
    mix_chart: str = ""

    @property
    def delivery_completeness(self):
        """Which partners with an in-kind pledge in a granted project reported what they delivered, over every
        region (core's Completeness; a partner counts once per project)."""
        expected, accounted = {}, set()
        for i, project in enumerate(self.overall.per_project):
            expected.update({(i, partner_id): name for partner_id, name in project.expected.items()})
            accounted.update((i, partner_id) for partner_id in project.accounted)
        return completeness(expected, accounted, noun="partner")


def platform(applications, region_names: dict[int, str], threshold: int) -> Platform:
    """The platform figures from the submitted applications of every region (concepts do not count)."""
    submitted = [a for a in applications if a.status != CONCEPT]
    out = Platform(overall=build(submitted, threshold), demo=any(a.is_demo for a in submitted))
    by_region = defaultdict(list)
    for a in submitted:
        by_region[a.region_id].append(a)
    for region_id, group in sorted(by_region.items(), key=lambda kv: region_names.get(kv[0], "")):
        d = build(group, threshold)
        out.regions.append(RegionMix(region_names.get(region_id, str(region_id)), d.partner_lines, d.mkb_lines,
                                     d.projects, d.entree_projects))
    o = out.overall
    out.totals = RegionMix(_("Alle regio's"), o.partner_lines, o.mkb_lines, o.projects, o.entree_projects)
    if o.sectors:
        labels = [str(s[0]) for s in o.sectors]
        out.count_chart = bar_chart(
            _("Ingediende aanvragen per sector"),
            _("Aantal ingediende aanvragen per sector, alle regio's samen; de tabel ernaast geeft dezelfde "
              "aantallen."), labels, [Series(_("Aanvragen"), tuple(s[1] for s in o.sectors))])
        out.subsidy_chart = bar_chart(
            _("Toegekende subsidie per sector"),
            _("Toegekende subsidie per sector in euro, alle regio's samen; de tabel ernaast geeft dezelfde "
              "bedragen."), labels, [Series(_("Toegekende subsidie"), tuple(s[2] for s in o.sectors))], unit="€")
    if out.regions:
        out.mix_chart = bar_chart(
            _("Mkb en entree per regio"),
            _("Per regio het aandeel mkb onder de partnerregels en het aandeel projecten met de entree-doelgroep, "
              "in procenten; de tabel ernaast geeft dezelfde percentages."),
            [r.name for r in out.regions],
            [Series(_("Mkb (% van partnerregels)"), tuple(r.mkb_share for r in out.regions)),
             Series(_("Entree (% van projecten)"), tuple(r.entree_share for r in out.regions))], unit="%")
    return out


# --- the national overview (/landelijk/): per region the applications, the ministry's decisions, the subsidy
# granted and the co-financing pledged against delivered on granted projects: ONE grouped statement per request
# (regions, applications and partner lines together), shared by the section's table and its text. Each row says
# how complete "delivered" is: how many partners with a pledge in a granted project have reported.

def national_per_region() -> list[tuple]:
    """(region name, submitted, granted, refused, subsidy granted, pledged, delivered, partners with a pledge,
    those of them that reported) for every region where rif is enabled, by name: one statement."""
    pledge = func.coalesce(Partner.pledged_cash, 0) + func.coalesce(Partner.pledged_in_kind, 0)
    reported = Partner.delivered_cash.is_not(None) | Partner.delivered_in_kind.is_not(None)
    lines = (select(Partner.region_id, Partner.application_ref,
                    func.sum(Partner.pledged_cash + Partner.pledged_in_kind).label("pledged"),
                    func.sum(func.coalesce(Partner.delivered_cash, 0) + func.coalesce(Partner.delivered_in_kind, 0))
                    .label("delivered"),
                    func.count(case((pledge > 0, 1))).label("partners"),
                    func.count(case(((pledge > 0) & reported, 1))).label("reported"))
             .group_by(Partner.region_id, Partner.application_ref).subquery())
    granted = Application.status.in_(GRANTED_STATES)
    apps = (select(Application.region_id.label("region_id"),
                   func.count(case((Application.status != CONCEPT, 1))).label("submitted"),
                   func.count(case((granted, 1))).label("granted"),
                   func.count(case((Application.status == REJECTED, 1))).label("refused"),
                   func.sum(case((granted, func.coalesce(Application.granted_subsidy, Application.requested_subsidy))))
                   .label("subsidy"),
                   func.sum(case((granted, lines.c.pledged))).label("pledged"),
                   func.sum(case((granted, lines.c.delivered))).label("delivered"),
                   func.sum(case((granted, lines.c.partners))).label("partners"),
                   func.sum(case((granted, lines.c.reported))).label("reported"))
            .outerjoin(lines, (lines.c.region_id == Application.region_id)
                       & (lines.c.application_ref == Application.reference))
            .group_by(Application.region_id).subquery())
    stmt = (select(Region.name, apps.c.submitted, apps.c.granted, apps.c.refused, apps.c.subsidy, apps.c.pledged,
                   apps.c.delivered, apps.c.partners, apps.c.reported)
            .outerjoin(apps, apps.c.region_id == Region.id)
            .where(Region.instruments.any(instrument_key="rif", enabled=True)).order_by(Region.name))
    return [(name, int(submitted or 0), int(granted or 0), int(refused or 0), _cents(subsidy), _cents(pledged),
             _cents(delivered), int(partners or 0), int(reported or 0))
            for name, submitted, granted, refused, subsidy, pledged, delivered, partners, reported
            in db_session().execute(stmt)]


def _cents(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def national_table(figures: list[tuple]) -> NationalTable:
    rows = tuple((*row[:7], (row[6] / row[5]).quantize(Decimal("0.001")) if row[5] else None,
                  _("%(reported)s van %(partners)s", reported=row[8], partners=row[7]) if row[7] else None)
                 for row in figures)
    return NationalTable(
        caption=lazy_gettext("Aanvragen, besluiten van het ministerie en cofinanciering per regio"),
        headers=(lazy_gettext("Regio"), lazy_gettext("Ingediend"), lazy_gettext("Toegekend"), lazy_gettext("Afgewezen"),
                 lazy_gettext("Toegekende subsidie"), lazy_gettext("Cofinanciering toegezegd"),
                 lazy_gettext("Cofinanciering geleverd"), lazy_gettext("Geleverd van toegezegd"),
                 lazy_gettext("Partners die verantwoordden")),
        kinds=("text", "count", "count", "count", "money", "money", "money", "percent", "text"),
        rows=rows,
        note=lazy_gettext("Toegezegd en geleverd: de toegekende projecten (geleverd zoals verantwoord bij de "
                          "tussentijdse verantwoording; zolang niet alle partners verantwoordden, is geleverd nog niet "
                          "compleet). Alle regio's waar het Regionaal Investeringsfonds aan staat."))


def national_context(figures: list[tuple]) -> dict:
    return {"granted": sum(r[2] for r in figures), "refused": sum(r[3] for r in figures),
            "subsidy": sum((r[4] for r in figures), ZERO)}


def national_sections() -> list[NationalSection]:
    """The section; its table and text share one reading of the figures (made on first use, per hook call)."""
    figures = functools.cache(national_per_region)

    return [NationalSection(title=lazy_gettext("Regionaal Investeringsfonds mbo"), template="rif/national.html",
                            table=lambda: national_table(figures()), context=lambda: national_context(figures()),
                            permission="rif.view")]
