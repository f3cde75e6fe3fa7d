"""Figures for the region dashboard, the platform overview and the national overview (computed, never typed)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import case, func, select

from core.plugin_api import (Aggregate, NationalSection, NationalTable, Region, Series, _, aggregate_table, bar_chart,
                             completeness, db_session, lazy_gettext)

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


# --- the national overview (/landelijk/): per region the applications and the ministry's decisions (maintained
# sums, plugin_api.aggregate_table) and the co-financing pledged against delivered on granted projects (one grouped
# statement: a partner line counts once its application is granted, which its own row does not say) -------------

AGGREGATE = "applications"


def aggregates() -> list[Aggregate]:
    """Per region (all periods in one): applications submitted, granted, refused and the subsidy granted."""
    granted = Application.status.in_(GRANTED_STATES)
    return [Aggregate(name=AGGREGATE, model=Application, period=None, measures={
        "submitted": func.sum(case((Application.status != CONCEPT, 1), else_=0)),
        "granted": func.sum(case((granted, 1), else_=0)),
        "refused": func.sum(case((Application.status == REJECTED, 1), else_=0)),
        "subsidy": func.sum(case((granted, func.coalesce(Application.granted_subsidy, Application.requested_subsidy)),
                                 else_=0)),
    })]


def national_cofinancing() -> dict[int, tuple[Decimal, Decimal]]:
    """region id -> (pledged, delivered) over the partner lines of granted applications: one grouped statement."""
    stmt = (select(Partner.region_id, func.sum(Partner.pledged_cash + Partner.pledged_in_kind),
                   func.sum(func.coalesce(Partner.delivered_cash, 0) + func.coalesce(Partner.delivered_in_kind, 0)))
            .join(Application, (Application.region_id == Partner.region_id)
                  & (Application.reference == Partner.application_ref))
            .where(Application.status.in_(GRANTED_STATES)).group_by(Partner.region_id))
    return {region: (_cents(pledged), _cents(delivered)) for region, pledged, delivered in db_session().execute(stmt)}


def _cents(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _sums():
    sums = aggregate_table("rif", AGGREGATE, latest_only=True)
    periods = sums.periods()
    return sums, (periods[-1] if periods else None)


def national_table() -> NationalTable:
    sums, period = _sums()
    money = national_cofinancing()
    rows = []
    for region in sums.regions:
        def value(measure):
            found = sums.value(region.id, period, measure) if period else None
            return found if found is not None else Decimal(0)

        pledged, delivered = money.get(region.id, (_cents(0), _cents(0)))
        rows.append((region.name, int(value("submitted")), int(value("granted")), int(value("refused")),
                     _cents(value("subsidy")), pledged, delivered,
                     (delivered / pledged).quantize(Decimal("0.001")) if pledged else None))
    return NationalTable(
        caption=lazy_gettext("Aanvragen, besluiten van het ministerie en cofinanciering per regio"),
        headers=(lazy_gettext("Regio"), lazy_gettext("Ingediend"), lazy_gettext("Toegekend"), lazy_gettext("Afgewezen"),
                 lazy_gettext("Toegekende subsidie"), lazy_gettext("Cofinanciering toegezegd"),
                 lazy_gettext("Cofinanciering geleverd"), lazy_gettext("Geleverd van toegezegd")),
        kinds=("text", "count", "count", "count", "money", "money", "money", "percent"),
        rows=tuple(rows),
        note=lazy_gettext("Toegezegd en geleverd: de toegekende projecten (geleverd zoals verantwoord bij de "
                          "tussentijdse verantwoording). Alle regio's waar het Regionaal Investeringsfonds aan staat."))


def national_context() -> dict:
    sums, period = _sums()
    total = (lambda measure: (sums.total(period, measure) or Decimal(0)) if period else Decimal(0))
    return {"granted": int(total("granted")), "refused": int(total("refused")), "subsidy": _cents(total("subsidy"))}


def national_sections() -> list[NationalSection]:
    return [NationalSection(title=lazy_gettext("Regionaal Investeringsfonds mbo"), template="rif/national.html",
                            table=national_table, context=national_context, permission="rif.view")]
