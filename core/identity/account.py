"""The user's own account: set a password through a link, forgotten password, change password,
two-factor enrolment, active sessions, "log out everywhere" and a download of one's own data."""
from __future__ import annotations

import json

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_user
from sqlalchemy import func, select
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from core.audit.capture import ACTOR_KEY
from core.authz import authorize
from core.db import db_session, utcnow
from core.forms import DutchForm
from core.identity import invitations as membership_invitations, notices, sessions, twofactor
from core.identity.password_links import RESET, invite_url, read_token
from core.identity.models import User
from core.identity.own_data import own_data
from core.identity.passwords import check_password, hash_password, password_problem
from core.identity.throttle import count_attempt
from core.mail import commit_and_deliver, queue_mail
from core.operations.logs import security_event
from core.security import public

bp = Blueprint("account", __name__)


class NewPasswordFields:
    """Validation shared by the forms that choose a password; `self.person` is the user."""

    person = None

    def validate_password(self, field):
        person = self.person
        problem = password_problem(field.data, [person.email, person.name] if person is not None else [])
        if problem:
            raise ValidationError(problem)


class SetPasswordForm(NewPasswordFields, DutchForm):
    password = PasswordField(_l("Nieuw wachtwoord"), validators=[DataRequired(_l("Kies een wachtwoord."))],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Herhaal het wachtwoord"), validators=[
        DataRequired(_l("Herhaal het wachtwoord.")), EqualTo("password", _l("De wachtwoorden zijn niet gelijk.")),
    ], render_kw={"autocomplete": "new-password"})


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField(_l("Huidig wachtwoord"), validators=[DataRequired(_l("Vul uw huidige wachtwoord in."))],
                            render_kw={"autocomplete": "current-password"})


class ForgotPasswordForm(DutchForm):
    email = EmailField(_l("E-mailadres"), validators=[
        DataRequired(_l("Vul uw e-mailadres in.")),
        Email(_l("Dit is geen geldig e-mailadres."), check_deliverability=False), Length(max=254)],
        render_kw={"autocomplete": "email"})


class ConfirmCodeForm(DutchForm):
    code = StringField(_l("Code uit de app (6 cijfers)"), validators=[DataRequired(_l("Vul de code uit de app in.")),
                                                                      Length(max=10)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


PASSWORD_HINT = _l("Minstens 12 tekens. Een zin van een paar woorden werkt goed; veelgebruikte wachtwoorden "
                   "worden geweigerd.")


def _throttled(kind: str, *keys: str) -> bool:
    """Count one attempt of `kind` per key, before it is checked; True when one of them is over the limit."""
    return not count_attempt(*((kind, key) for key in keys)).allowed


# --- links: invite and reset -------------------------------------------------

@bp.route("/wachtwoord-instellen/<token>", methods=["GET", "POST"])
@public
def set_password(token):
    found = read_token(token, lambda uid: db_session().get(User, uid))
    if found is None:
        abort(404)
    user, purpose = found
    form = SetPasswordForm()
    form.person = user
    if form.validate_on_submit():
        db_session().info[ACTOR_KEY] = (user.id, user.email)  # the link's holder acts, not "systeem"
        user.password_hash = hash_password(form.password.data)
        user.password_changed_at = utcnow()
        sessions.end_all(user)  # a reset ends every session, wherever it was
        if purpose == RESET:  # a first password (invite) is no change to notify of
            notices.notify(db_session(), user, "password_reset")
        commit_and_deliver(db_session())
        security_event("password.changed", user_id=user.id, email=user.email, detail=purpose)
        session.clear()
        flash(_("Uw wachtwoord is ingesteld. U kunt nu inloggen."))
        return redirect(url_for("auth.login"))
    status = 400 if request.method == "POST" else 200
    return render_template("core/set_password.html", form=form, user=user, reset=purpose == RESET,
                           hint=PASSWORD_HINT), status


RESET_SENT = _l("Als dit e-mailadres bij ons bekend is, ontvangt u binnen enkele minuten een e-mail met een link "
                "om een nieuw wachtwoord in te stellen. De link is één keer te gebruiken.")


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        if not count_attempt(("reset", "address:" + (request.remote_addr or "")), ("reset", "account:" + email)).allowed:
            abort(429)
        user = db_session().scalar(select(User).where(func.lower(User.email) == email))
        if user is not None and user.active:
            minutes = current_app.config["RESET_MINUTES"]
            queue_mail(db_session(), [user.email], "Nieuw wachtwoord instellen voor het Regioplatform",
                       f"Beste {user.name},\n\nU (of iemand anders) vroeg om een nieuw wachtwoord. Stel het in via "
                       f"deze link, die {minutes} minuten en één keer geldig is:\n\n{invite_url(user, RESET)}\n\n"
                       "Vroeg u dit niet? Dan kunt u dit bericht negeren; uw wachtwoord blijft hetzelfde.\n\n"
                       "Dit bericht is verstuurd door het Regioplatform.")
            commit_and_deliver(db_session(), after_response=True)  # SMTP time would tell the address exists
        # The same answer whether or not the address exists (ASVS 2.5.x: no account enumeration).
        flash(str(RESET_SENT))
        return redirect(url_for("auth.login"))
    status = 400 if request.method == "POST" else 200
    return render_template("core/forgot_password.html", form=form), status


# --- the signed-in user's own account ----------------------------------------

@bp.route("/account")
def security():
    authorize("account.self")
    session_ = db_session()
    rows = sessions.active_sessions(current_user)
    current = sessions.current_row(current_user)
    return render_template(
        "core/account.html", sessions=rows, current_id=current.id if current else None,
        two_factor=twofactor.has_two_factor(session_, current_user),
        required=twofactor.requires_two_factor(current_user),
        recovery_left=twofactor.unused_recovery_codes(session_, current_user),
        form=DutchForm(),
    )


@bp.route("/account/gegevens")
def own_data_download():
    """Everything the platform stores about the signed-in person, as a JSON download (ASVS 8.3.2)."""
    authorize("account.self")
    body = json.dumps(own_data(current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="mijn-gegevens-regioplatform.json"', "Cache-Control": "no-store"})


@bp.route("/account/uitnodigingen")
def invitations():
    """The signed-in user's invitations into organisations, each to accept or decline."""
    authorize("account.self")
    return render_template("core/invitations.html", form=DutchForm(),
                           invitations=membership_invitations.open_invitations(db_session(), current_user))


@bp.route("/account/uitnodigingen/<int:invitation_id>/accepteren", methods=["POST"])
def accept_invitation(invitation_id):
    """Become a member as the invitation offers (only one's own, unexpired invitation: else 404)."""
    authorize("account.self")
    session_ = db_session()
    invitation = membership_invitations.own_invitation(session_, current_user, invitation_id) or abort(404)
    if not DutchForm().validate_on_submit():
        abort(400)
    name, role = invitation.organisation.name, invitation.role_label
    if not membership_invitations.still_open(session_, invitation):
        session_.rollback()
        flash(_("Deze uitnodiging is al afgehandeld."))
        return redirect(url_for(".invitations"))
    membership_invitations.accept(session_, invitation)
    session_.commit()
    flash(_("U bent nu %(role)s bij %(organisation)s.", role=role, organisation=name))
    return redirect(url_for(".invitations"))


@bp.route("/account/uitnodigingen/<int:invitation_id>/weigeren", methods=["POST"])
def decline_invitation(invitation_id):
    """Decline an invitation: it is removed and nothing else changes."""
    authorize("account.self")
    session_ = db_session()
    invitation = membership_invitations.own_invitation(session_, current_user, invitation_id) or abort(404)
    if not DutchForm().validate_on_submit():
        abort(400)
    name = invitation.organisation.name
    if not membership_invitations.still_open(session_, invitation):
        session_.rollback()
        flash(_("Deze uitnodiging is al afgehandeld."))
        return redirect(url_for(".invitations"))
    session_.delete(invitation)
    session_.commit()
    flash(_("U heeft de uitnodiging van %(organisation)s geweigerd.", organisation=name))
    return redirect(url_for(".invitations"))


@bp.route("/account/overal-uitloggen", methods=["POST"])
def logout_everywhere():
    authorize("account.self")
    if not DutchForm().validate_on_submit():
        abort(400)
    user = db_session().get(User, current_user.id)
    sessions.end_all(user)
    db_session().commit()
    session.clear()
    flash(_("U bent op alle apparaten uitgelogd, ook hier. Log opnieuw in."))
    return redirect(url_for("auth.login"))


@bp.route("/account/sessies/<int:session_id>/beeindigen", methods=["POST"])
def end_session(session_id):
    """End one other session of the user's own (a forgotten browser elsewhere)."""
    authorize("account.self")
    if not DutchForm().validate_on_submit():
        abort(400)
    user = db_session().get(User, current_user.id)
    if not sessions.end_one(user, session_id):
        abort(404)  # not theirs, already ended, or this very session (use "Uitloggen")
    db_session().commit()
    flash(_("Die sessie is beëindigd; daar bent u nu uitgelogd."))
    return redirect(url_for(".security"))


@bp.route("/account/wachtwoord", methods=["GET", "POST"])
def change_password():
    authorize("account.self")
    user = db_session().get(User, current_user.id)
    form = ChangePasswordForm()
    form.person = user
    if form.validate_on_submit():
        if _throttled("change-password", str(user.id)):
            abort(429)
        if not check_password(user, form.current.data):
            form.current.errors.append(_("Uw huidige wachtwoord klopt niet."))
        else:
            user.password_hash = hash_password(form.password.data)
            user.password_changed_at = utcnow()
            sessions.end_all(user)
            notices.notify(db_session(), user, "password_changed")
            commit_and_deliver(db_session())
            security_event("password.changed", detail="account")
            # Every other session has ended; this one continues as a new session.
            session.clear()
            login_user(user)
            sessions.start_session(user)
            flash(_("Uw wachtwoord is gewijzigd. U bent op alle andere apparaten uitgelogd."))
            return redirect(url_for(".security"))
    status = 400 if request.method == "POST" else 200
    return render_template("core/change_password.html", form=form, hint=PASSWORD_HINT), status


@bp.route("/account/tweestapsverificatie", methods=["GET", "POST"])
def two_factor_setup():
    authorize("account.self")
    session_ = db_session()
    user = session_.get(User, current_user.id)
    enabled = twofactor.has_two_factor(session_, user)
    form = ConfirmCodeForm()
    # GET stores nothing: the page's new secret comes back sealed in the form (twofactor.seal_pending)
    pending = twofactor.open_pending(user, request.form.get("pending", "")) if request.method == "POST" else None
    if request.method == "POST" and form.validate_on_submit():
        if _throttled("enrol", str(user.id)):
            abort(429)
        cred = twofactor.credential(session_, user)
        if pending is not None and (cred is None or cred.confirmed_at is None):
            twofactor.begin_enrolment(session_, user, pending)
            session_.flush()
            codes = twofactor.confirm_enrolment(session_, user, form.code.data)
            if codes is not None:
                notices.notify(session_, user, "two_factor_enrolled")
                commit_and_deliver(session_)
                security_event("twofactor.enabled")
                # Shown once, in this response only; never stored in plain text.
                return render_template("core/recovery_codes.html", codes=codes)
        session_.rollback()
        form.code.errors.append(
            _("Deze code klopt niet. Controleer de tijd op uw telefoon en probeer de volgende code."))
    if enabled:
        return render_template("core/two_factor.html", enabled=True, form=form,
                               recovery_left=twofactor.unused_recovery_codes(session_, user)), 200
    secret = pending or twofactor.new_secret()  # a wrong code: the same QR code again
    uri = twofactor.provisioning_uri(user, secret)
    status = 400 if request.method == "POST" else 200
    return render_template("core/two_factor.html", enabled=False, form=form, secret=secret,
                           pending=twofactor.seal_pending(user, secret),
                           qr=twofactor.qr_svg_data_uri(uri), required=twofactor.requires_two_factor(user)), status


@bp.route("/account/herstelcodes", methods=["POST"])
def new_recovery_codes():
    authorize("account.self")
    session_ = db_session()
    user = session_.get(User, current_user.id)
    form = ConfirmCodeForm()
    if not form.validate_on_submit():
        abort(400)
    if _throttled("enrol", str(user.id)):
        abort(429)
    cred = twofactor.credential(session_, user)
    if cred is None or cred.confirmed_at is None or not twofactor.verify_totp(session_, cred, form.code.data):
        session_.rollback()
        flash(_("De code klopt niet; er zijn geen nieuwe herstelcodes gemaakt."))
        return redirect(url_for(".two_factor_setup")), 303
    codes = twofactor.new_recovery_codes(session_, user)
    notices.notify(session_, user, "recovery_codes_renewed")
    commit_and_deliver(session_)
    security_event("twofactor.recovery_codes")
    return render_template("core/recovery_codes.html", codes=codes)
