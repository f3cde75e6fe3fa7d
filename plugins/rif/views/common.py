"""What the rif pages share: the settings, the money figures and their problems, the visible applications,
the application page (shown again by every action on it) and what it says about the cooperation agreement."""
from __future__ import annotations

from flask import render_template, request
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import defer, joinedload, selectinload

from core.plugin_api import (_, OrganisationSearchForm, consortium_organisations, current_region, current_user,
                             db_session, euro, instrument_settings, may, scoped, search_organisations)

from .. import agreement as cooperation
from ..deadlines import midterm_window
from ..agreement import confirmations, confirmed_partners, pledges_changed
from ..access import (assessor_condition, conflicted, is_assessor, is_committee, is_coordinator, may_assess, may_decide,
                      user_roles)
from ..forms import partner_form as new_partner_form
from ..forms import (BudgetForm, DraftAgreementForm, RemoveLineForm, TransitionForm, midterm_form,
                     score_form)
from ..models import Application, Attachment, Partner
from ..rules import (ASSESSING, ASSESSOR, CONCEPT, COST_CATEGORIES, CRITERIA, DELIVERY_STATES, EMPTY_BUDGET, NO_SUBSIDY,
                     NOT_COVERED, OVER_A_THIRD, PENVOERDER_SIGNATORY, SECTORS, STATUS_LABELS, TARGET_GROUPS,
                     STEPS, TRANSITIONS, DECISIONS, finances, share, total_score, weight_of)


def _settings():
    from ..settings import RifSettings

    return instrument_settings(current_region()) or RifSettings()


def figures(application: Application, partners=None):
    """The computed figures; `partners`: only these partner lines count (the confirmed ones, at submission)."""
    costs = sum((line.amount for line in application.budget_lines), 0)
    lines = application.partners if partners is None else partners
    return finances(costs, application.requested_subsidy, [(p.pledged_cash, p.pledged_in_kind) for p in lines])


def pledge_problems(application, states) -> list[str]:
    """Why the pledges do not allow submission yet: each partner whose pledge is not confirmed, by name."""
    out = []
    for p in application.partners:
        state = states[p.partner_id]
        if state.confirmed:
            continue
        if state.changed:
            out.append(_("De toezegging van %(partner)s is gewijzigd nadat zij de samenwerkingsovereenkomst "
                         "ondertekende: haar bevestiging vervalt. Stel de overeenkomst opnieuw op en laat haar "
                         "opnieuw ondertekenen.", partner=p.partner.name))
        else:
            out.append(_("De toezegging van %(partner)s is nog niet bevestigd: haar ondertekenaar bevestigt haar door "
                         "de samenwerkingsovereenkomst van deze aanvraag te ondertekenen.", partner=p.partner.name))
    return out


def money_problems(money) -> list[str]:
    """What the rules (rules.finances) object to in the figures, in the reader's language and notation."""
    said = {
        EMPTY_BUDGET: lambda: _("De begroting is leeg: voeg minstens één kostenpost toe."),
        NO_SUBSIDY: lambda: _("De aangevraagde subsidie is nog niet ingevuld."),
        OVER_A_THIRD: lambda: _("De aangevraagde subsidie (%(requested)s) is meer dan een derde van de projectkosten "
                                "(%(costs)s); het maximum is %(maximum)s.", requested=euro(money.requested),
                                costs=euro(money.costs), maximum=euro(money.maximum)),
        NOT_COVERED: lambda: _("De cofinanciering (%(pledged)s) dekt de rest van de projectkosten (%(needed)s) niet: "
                               "er ontbreekt %(shortfall)s.", pledged=euro(money.pledged), needed=euro(money.needed),
                               shortfall=euro(money.shortfall)),
    }
    return [said[issue]() for issue in money.issues]


def _common():
    return dict(STATUS_LABELS=STATUS_LABELS, SECTORS=SECTORS, TARGET_GROUPS=TARGET_GROUPS,
                COST_CATEGORIES=COST_CATEGORIES, region=current_region(), settings=_settings())


# --- list ----------------------------------------------------------------------

def visible_applications_query(region, *, with_money: bool = True):
    """One select of what the user sees: their penvoerder's (coordinators: all), those they are a partner in,
    and for assessors every application that is no longer a concept.

    `with_money`: load every application's budget lines and partners too (two statements for all of them,
    not two per row), for pages that show the money figures."""
    money = (selectinload(Application.budget_lines), selectinload(Application.partners)) if with_money else ()
    seen = [Application.id.in_(scoped(select(Application.id).where(Application.region_id == region.id), "rif.view"))]
    mine = set(user_roles(current_user))
    if mine:
        seen.append(select(Partner.id).where(Partner.application_ref == Application.reference,
                                             Partner.partner_id.in_(mine)).exists())
    seen.append(and_(Application.status != CONCEPT, assessor_condition(current_user, region)))
    stmt = select(Application).where(Application.region_id == region.id, or_(*seen)).options(*money)
    if is_committee(current_user):  # the committee reads every region's submitted applications, no concepts
        stmt = stmt.where(Application.status != CONCEPT)
    return stmt


def visible_applications(region, *, with_money: bool = True):
    """Every application `visible_applications_query` selects, by reference."""
    return list(db_session().scalars(visible_applications_query(region, with_money=with_money)
                                     .order_by(Application.reference, Application.id)))


def page_options():
    """Loader options for the application page: what it shows of the application in a fixed number of
    statements, whatever the number of lines (budget lines and scores joined to the application: at most one
    score per criterion, so at most len(CRITERIA) rows per budget line; the partner lines with their pledge
    years in one statement, not one per partner; the attachments without their content)."""
    return (joinedload(Application.budget_lines), joinedload(Application.scores),
            selectinload(Application.partners).joinedload(Partner.years), selectinload(Application.history),
            selectinload(Application.attachments).options(defer(Attachment.content)))


def _partner_search(region, application, search=None, first=None):
    """The region's organisations that are not yet partners: with `search` (the page's GET search) those it
    finds, the RIF consortium first, at most 50; without, all of them (what an added partner is checked against).
    `first`: the RIF consortium's organisation ids when the caller has them already (_consortium_ids)."""
    taken = {p.partner_id for p in application.partners}
    orgs = [m.organisation for m in region.members if m.organisation_id not in taken]
    first = _consortium_ids(region) if first is None else first
    if search is None:
        return search_organisations(orgs, first=first, limit=len(orgs))
    return search_organisations(orgs, search.q.data or "", search.kind.data or "", first=first)


def _partner_choices(region, application, search=None):
    found = _partner_search(region, application, search)
    return [(o.id, f"{o.name} ({o.identifier}, {o.kind_label})") for o in found.shown]


def _allowed_transitions(application):
    out = []
    for t in TRANSITIONS.values():
        if application.status not in t.sources:
            continue
        if t.who == PENVOERDER_SIGNATORY and may(current_user, "rif.submit", application):
            out.append(t)
        elif t.who == ASSESSOR and may_assess(current_user, application):
            out.append(t)
    return out


def _show(application, *, budget_form=None, partner_form=None, scores=None, midterm=None, decision=None, problems=(),
          clash=None, status=200, step=None, attachment_form=None):
    """The application page; `clash`: the core Conflict of a line someone else has just added (shown first)."""
    region = current_region()
    settings = _settings()
    if step is None and request.form.get("stap") in STEPS:  # a form sent from a step shows that step again
        step = request.form.get("stap")
    editable = application.status == CONCEPT and may(current_user, "rif.edit", application)
    budget_form = budget_form or BudgetForm(formdata=None)
    partner_form = partner_form or new_partner_form(application.years, formdata=None)
    partner_search = OrganisationSearchForm(request.args)
    consortium = _consortium_ids(region)  # read once: the partner search and the agreement part both use it
    partners_found = _partner_search(region, application, partner_search, consortium)
    if partner_form.partner.data and partner_form.partner.data not in {o.id for o in partners_found.shown}:
        partners_found = _partner_search(region, application, first=consortium)  # a refused POST: keep the choice
    partner_form.partner.choices = [(o.id, f"{o.name} ({o.identifier}, {o.kind_label})") for o in partners_found.shown]
    stored = {s.criterion: s.score for s in application.scores}
    assessing = application.status == ASSESSING and may_assess(current_user, application)
    if scores is None and assessing:
        scores = score_form(data={f"score_{k}": str(v) for k, v in stored.items()})
    midterm_allowed = application.status in DELIVERY_STATES and may(current_user, "rif.cofinance", application)
    if midterm is None and midterm_allowed:
        data = {"reflection": application.reflection, "adjustments": application.adjustments}
        for p in application.partners:
            data[f"delivered_cash_{p.id}"] = p.delivered_cash
            data[f"delivered_in_kind_{p.id}"] = p.delivered_in_kind
        midterm = midterm_form(application.partners, data=data)
    total, maximum = total_score(stored, application.target_group_list, settings.entree_weight)
    pledge_states = confirmations(application)
    deciding = application.status == ASSESSING and may_decide(current_user, application)
    if decision is None and deciding:
        from .decision import decision_form

        decision = decision_form(application, formdata=None)
    return render_template(
        "rif/show.html", application=application, money=figures(application), editable=editable,
        budget_form=budget_form, partner_form=partner_form, transitions=_allowed_transitions(application),
        transition_form=TransitionForm(formdata=None), remove_form=RemoveLineForm(formdata=None),
        scores=scores if assessing else None, stored_scores=stored, total=total, maximum=maximum,
        criteria=[(c, weight_of(c, application.target_group_list, settings.entree_weight)) for c in CRITERIA],
        midterm=midterm if midterm_allowed else None, problems=problems, share=share,
        decision=decision if deciding else None, DECISIONS=DECISIONS,
        midterm_window=midterm_window(application, settings), pledge_states=pledge_states,
        step=step, STEPS=STEPS, ATTACHMENT_KINDS=attachment_kinds(),
        attachment_form=attachment_form or _attachment_form(),
        submit_checks=submit_checks(application, pledge_states) if step == "verzenden" else None,
        confirmed_money=figures(application, confirmed_partners(application, pledge_states)),
        cooperation=_cooperation(application, consortium), draft_form=DraftAgreementForm(formdata=None),
        partner_search=partner_search, partners_found=partners_found, clash=clash,
        conflict=conflicted(current_user, application) and is_assessor(current_user, region)
        and not getattr(current_user, "is_platform_admin", False),
        **_common()), status


def attachment_kinds():
    from ..forms import ATTACHMENT_KINDS

    return ATTACHMENT_KINDS


def _attachment_form():
    from .documents import attachment_form

    return attachment_form(formdata=None)


def submit_checks(application, states) -> list[str]:
    """What still stands in the way of submission (the step Verzenden lists it before the button)."""
    from ..deadlines import submission_problem
    from core.plugin_api import RuleContext

    out = [] if application.partners else [_("Voeg minstens één partner met cofinanciering toe.")]
    out += pledge_problems(application, states)
    out += money_problems(figures(application, confirmed_partners(application, states)))
    closed = submission_problem(_settings(), RuleContext(current_region(), "rif").today)
    return out + ([closed] if closed else [])


def _lock(application) -> None:
    """Take the application's row lock (PostgreSQL) and re-read it: a transition and an Excel import of
    its co-financing (whose rules lock the same row) are serialised, so neither decides on a stale state."""
    db_session().scalar(select(Application).where(Application.id == application.id)
                        .with_for_update(of=Application).execution_options(populate_existing=True))


def may_draft_agreement(user, application) -> bool:
    """The penvoerder's signatories (who commit it) and the region's coordinators."""
    return may(user, "rif.submit", application) or is_coordinator(user, current_region())


def _consortium_ids(region) -> set[int]:
    return {o.id for o in consortium_organisations(db_session(), region, "rif")}


def _cooperation(application, consortium_ids: set[int]) -> dict:
    """What the application page shows about the agreement: its signing status, or what drafting would do.
    `consortium_ids`: the region's RIF consortium (_consortium_ids)."""
    linked = application.agreement
    if linked is not None:
        changed = application.status == CONCEPT and pledges_changed(application, consortium_ids)
        version = linked.leading
        signatures = {s.organisation_id: s for s in version.signatures}
        parties = sorted(version.party_rows, key=lambda p: p.organisation.name)
        return {"agreement": linked, "version": version, "parties": parties, "signatures": signatures,
                "signed": sum(1 for p in parties if p.organisation_id in signatures),
                "changed": changed,
                "may_draft": (linked.status == cooperation.ENDED or changed)
                and application.status in cooperation.AGREEMENT_STATES and may_draft_agreement(current_user, application)}
    out = {"agreement": None, "may_draft": False}
    if application.status in cooperation.AGREEMENT_STATES and application.partners \
            and may_draft_agreement(current_user, application):
        parties, left_out = cooperation.split_parties(application, consortium_ids)
        out.update(may_draft=True, parties=parties, left_out=left_out,
                   penvoerder_in=application.organisation in parties)
    return out
