"""API token pages: an organisation admin's tokens, and the platform read tokens (no organisation, reading every
region) that platform admins and the ministry make: make a token (shown once), list them with last use, revoke."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.api.forms import platform_token_form, token_form
from core.api.models import ApiToken
from core.api.tokens import new_token
from core.authz import authorize
from core.db import db_session, utcnow
from core.forms import DutchForm
from core.identity.models import today
from core.orgs.models import Organisation
from core.regions.models import RegionInstrument, RegionMember

bp = Blueprint("api_tokens", __name__)


def organisation_instruments(org_id: int) -> list[tuple[str, str]]:
    """(key, name) of the instruments enabled in a region the organisation is a member of, in registry order."""
    enabled = set(db_session().scalars(
        select(RegionInstrument.instrument_key)
        .join(RegionMember, RegionMember.region_id == RegionInstrument.region_id)
        .where(RegionMember.organisation_id == org_id, RegionInstrument.enabled.is_(True))))
    registry = current_app.extensions["regioplatform"]
    return [(e.key, e.info.name) for e in registry.ordered() if e.key in enabled]


def _organisation(org_id: int) -> Organisation:
    organisation = db_session().get(Organisation, org_id) or abort(404)
    return authorize("organisation.manage", organisation)


@bp.route("/organisaties/<int:org_id>/api-sleutels", methods=["GET", "POST"])
def tokens(org_id):
    """List the organisation's tokens; make a new one and show its secret once."""
    organisation = _organisation(org_id)
    session = db_session()
    instruments = organisation_instruments(org_id)
    form = token_form(instruments)
    secret = None
    if form.validate_on_submit():
        row, secret = new_token(session, organisation_id=org_id, name=form.name.data.strip(), scopes=form.scopes(),
                                expires_on=form.expires_on.data, created_by_id=current_user.id)
        session.commit()
        form = token_form(instruments, formdata=None)
    rows = session.scalars(select(ApiToken).where(ApiToken.organisation_id == org_id)
                           .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()
    names = dict(instruments)
    status = 400 if form.errors else 200
    return render_template("api/tokens.html", organisation=organisation, tokens=rows, form=form, secret=secret,
                           names=names, today=today(), action_form=DutchForm()), status


@bp.route("/organisaties/<int:org_id>/api-sleutels/<int:api_token_id>/intrekken", methods=["POST"])
def revoke(org_id, api_token_id):
    """Revoke a token: from now on it opens nothing."""
    organisation = _organisation(org_id)
    session = db_session()
    row = session.get(ApiToken, api_token_id)
    if row is None or row.organisation_id != organisation.id:
        abort(404)
    if not DutchForm().validate_on_submit():
        abort(400)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.commit()
    flash(_("De sleutel %(name)s is ingetrokken; hij werkt niet meer.", name=row.name))
    return redirect(url_for(".tokens", org_id=org_id), 303)


@bp.route("/beheer/api-sleutels", methods=["GET", "POST"])
def platform_tokens():
    """Platform tokens (platform admins and the ministry): read access to every region, no organisation; made and
    shown once."""
    authorize("api.platform_tokens")
    session = db_session()
    form = platform_token_form()
    secret = None
    if form.validate_on_submit():
        row, secret = new_token(session, organisation_id=None, name=form.name.data.strip(), scopes={},
                                expires_on=form.expires_on.data, created_by_id=current_user.id)
        session.commit()
        form = platform_token_form(formdata=None)
    rows = session.scalars(_platform_tokens_of(current_user)
                           .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()
    status = 400 if form.errors else 200
    return render_template("api/platform_tokens.html", tokens=rows, form=form, secret=secret, today=today(),
                           action_form=DutchForm()), status


def _platform_tokens_of(user):
    """The platform tokens a user manages: every one for a platform admin, only their own for the ministry."""
    stmt = select(ApiToken).where(ApiToken.organisation_id.is_(None))
    if not user.is_platform_admin:  # the ministry writes nothing of others, not even a revocation
        stmt = stmt.where(ApiToken.created_by_id == user.id)
    return stmt


@bp.route("/beheer/api-sleutels/<int:api_token_id>/intrekken", methods=["POST"])
def platform_revoke(api_token_id):
    """Revoke a platform token (a platform admin any, the ministry its own)."""
    authorize("api.platform_tokens")
    session = db_session()
    row = session.scalar(_platform_tokens_of(current_user).where(ApiToken.id == api_token_id))
    if row is None:
        abort(404)
    if not DutchForm().validate_on_submit():
        abort(400)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.commit()
    flash(_("De sleutel %(name)s is ingetrokken; hij werkt niet meer.", name=row.name))
    return redirect(url_for(".platform_tokens"), 303)
