"""Consortium pages under /regio/<region>/consortium/<instrument>: add and remove members.

`add_consortium_routes(bp)` adds them to the parent `regio` blueprint (the app
factory calls it), so they sit behind its region guard and keep the endpoint
names `regio.consortium` and `regio.remove_consortium_member`.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core.authz import authorize
from core.concurrency import add_new
from core.consortia.forms import AddConsortiumMemberForm, RemoveConsortiumMemberForm
from core.consortia.models import ConsortiumMember
from core.consortia.queries import consortium_members
from core.db import db_session
from core.orgs.search import PICKER_LIMIT, OrganisationSearchForm, search_organisations
from core.regions.guard import require_instrument


def consortium(instrument):
    """The consortium of one instrument in the region, with a form to add a member."""
    region = g.region
    entry = current_app.extensions["regioplatform"].entries.get(instrument)
    if entry is None:
        abort(404)
    require_instrument(region, instrument)
    authorize("consortium.manage", region)
    form = AddConsortiumMemberForm(instrument=instrument)
    taken = {cm.organisation_id for cm in consortium_members(region, instrument)}
    candidates = [m.organisation for m in region.members if m.organisation_id not in taken]
    search = OrganisationSearchForm(request.args)
    # a POST is checked against every candidate; a GET shows those the search (by name, identifier, kind) finds
    found = search_organisations(candidates, *((search.q.data or "", search.kind.data or "")
                                               if request.method == "GET" else ("", "")),
                                 limit=PICKER_LIMIT if request.method == "GET" else len(candidates))
    form.organisation.choices = [(o.id, f"{o.name} ({o.identifier}, {o.kind_label})") for o in found.shown]
    conflict = None
    if form.validate_on_submit():
        conflict = _add(region, instrument, form)
        if conflict is None:
            flash(_("Organisatie toegevoegd aan het consortium."))
            return redirect(url_for(".consortium", instrument=instrument))
    return render_template("core/consortium.html", region=region, entry=entry, form=form, search=search, found=found,
                           members=consortium_members(region, instrument), remove_form=RemoveConsortiumMemberForm(),
                           conflict=conflict), 409 if conflict else 400 if request.method == "POST" else 200


def _add(region, instrument, form):
    """Add the chosen organisation; a Conflict with the stored member if someone else has just added it."""
    session = db_session()

    def stored():
        return session.scalar(select(ConsortiumMember).where(
            ConsortiumMember.region_id == region.id, ConsortiumMember.instrument_key == instrument,
            ConsortiumMember.organisation_id == form.organisation.data))

    member = ConsortiumMember(region_id=region.id, instrument_key=instrument,
                              organisation_id=form.organisation.data, role=form.role.data)
    return add_new(session, member, form, stored)


def remove_consortium_member(instrument, member_id):
    """Take one organisation out of the consortium."""
    region = g.region
    require_instrument(region, instrument)  # a disabled instrument's consortium is hidden, not editable
    member = db_session().get(ConsortiumMember, member_id)
    if member is None or member.region_id != region.id or member.instrument_key != instrument:
        abort(404)
    authorize("consortium.manage", region)
    form = RemoveConsortiumMemberForm()
    if not form.validate_on_submit():
        abort(400)
    db_session().delete(member)
    db_session().commit()
    flash(_("Organisatie uit het consortium gehaald."))
    return redirect(url_for(".consortium", instrument=instrument))


def add_consortium_routes(bp: Blueprint) -> None:
    """Add the consortium pages to the parent `regio` blueprint (endpoints `regio.consortium…`)."""
    bp.add_url_rule("/consortium/<instrument>", "consortium", consortium, methods=["GET", "POST"])
    bp.add_url_rule("/consortium/<instrument>/<int:member_id>/verwijderen", "remove_consortium_member",
                    remove_consortium_member, methods=["POST"])
