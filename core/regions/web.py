"""The parent blueprint `regio` at /regio/<region>: guard, overview, consortium pages."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.agreements.web import register_agreement_routes
from core.authz import authorize, may
from core.consortia.forms import AddConsortiumMemberForm, RemoveConsortiumMemberForm
from core.consortia.models import CONSORTIUM_ROLES, ConsortiumMember
from core.db import db_session
from core.regions.guard import instrument_key_from, require_instrument, visible_region_or_404


ROLE_ORDER = {role: i for i, role in enumerate(CONSORTIUM_ROLES)}


def registry():
    return current_app.extensions["regioplatform"]


def _contributions(hook: str, region, user) -> list[tuple[str, object]]:
    """(instrument key, item) from the enabled instruments, minus items the user may not use."""
    entries = registry().entries
    found = [
        (key, item) for key, item in registry().for_region(region.enabled_keys()).call(hook, region=region, user=user)
        if not item.permission or may(user, item.permission, region)
    ]
    return sorted(found, key=lambda pair: (entries[pair[0]].info.order, pair[1].order))


def region_navigation(region, user) -> list[dict]:
    """Menu entries the enabled instruments contribute."""
    return [{"label": str(item.label), "endpoint": item.endpoint, "instrument": key}
            for key, item in _contributions("navigation_items", region, user)]


def region_widgets(region, user) -> list[dict]:
    """Dashboard cards the enabled instruments contribute, with their context built."""
    return [{"title": str(w.title), "template": w.template, "context": w.context()}
            for _key, w in _contributions("dashboard_widgets", region, user)]


def make_regio_blueprint(reg) -> Blueprint:
    """Build the parent blueprint and mount every instrument's blueprint under it."""
    bp = Blueprint("regio", __name__, url_prefix="/regio/<region>")

    @bp.url_value_preprocessor
    def take_region(_endpoint, values):
        g.region_slug = values.pop("region", None) if values else None

    @bp.url_defaults
    def give_region(_endpoint, values):
        if "region" not in values and g.get("region_slug"):
            values["region"] = g.region_slug

    @bp.before_request
    def guard():
        g.region = visible_region_or_404(g.region_slug, current_user)
        key = instrument_key_from(request.blueprints)
        if key is not None:
            require_instrument(g.region, key)

    @bp.route("/")
    def overview():
        region = authorize("region.view", g.region)
        members = sorted(region.members, key=lambda m: (m.organisation.kind, m.organisation.name))
        return render_template("core/region.html", region=region, members=members,
                               instruments=_instruments_with_consortia(region),
                               widgets=region_widgets(region, current_user))

    @bp.route("/consortium/<instrument>", methods=["GET", "POST"])
    def consortium(instrument):
        region = g.region
        entry = registry().entries.get(instrument)
        if entry is None:
            abort(404)
        require_instrument(region, instrument)
        authorize("consortium.manage", region)
        form = AddConsortiumMemberForm(instrument=instrument)
        taken = {cm.organisation_id for cm in _consortium(region, instrument)}
        form.organisation.choices = [
            (m.organisation_id, f"{m.organisation.name} ({m.organisation.identifier})")
            for m in sorted(region.members, key=lambda m: m.organisation.name) if m.organisation_id not in taken
        ]
        if form.validate_on_submit():
            db_session().add(ConsortiumMember(region_id=region.id, instrument_key=instrument,
                                              organisation_id=form.organisation.data, role=form.role.data))
            db_session().commit()
            flash(_("Organisatie toegevoegd aan het consortium."))
            return redirect(url_for(".consortium", instrument=instrument))
        return render_template("core/consortium.html", region=region, entry=entry, form=form,
                               members=_consortium(region, instrument), remove_form=RemoveConsortiumMemberForm()), \
            (400 if request.method == "POST" else 200)

    @bp.route("/consortium/<instrument>/<int:member_id>/verwijderen", methods=["POST"])
    def remove_consortium_member(instrument, member_id):
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

    register_agreement_routes(bp)

    for entry in reg.ordered():
        if entry.blueprint is not None:
            bp.register_blueprint(entry.blueprint, url_prefix=f"/{entry.key}")
    return bp


def _consortium(region, key):
    return db_session().scalars(
        select(ConsortiumMember).where(ConsortiumMember.region_id == region.id, ConsortiumMember.instrument_key == key)
    ).all()


def _instruments_with_consortia(region):
    out = []
    for entry in registry().ordered():
        if region.has_instrument(entry.key):
            members = sorted(_consortium(region, entry.key),
                             key=lambda cm: (ROLE_ORDER.get(cm.role, len(ROLE_ORDER)), cm.organisation.name))
            out.append({"entry": entry, "consortium": members})
    return out
