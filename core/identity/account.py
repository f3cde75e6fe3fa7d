"""Setting a password through an invite link."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from core.db import db_session
from core.forms import DutchForm
from core.identity.invites import user_id_from_token
from core.identity.models import User
from core.identity.passwords import hash_password
from core.security import public

bp = Blueprint("account", __name__)


class SetPasswordForm(DutchForm):
    password = PasswordField("Nieuw wachtwoord", validators=[
        DataRequired("Kies een wachtwoord."),
        Length(min=12, message="Een wachtwoord heeft minstens 12 tekens."),
    ])
    confirm = PasswordField("Herhaal het wachtwoord", validators=[
        DataRequired("Herhaal het wachtwoord."), EqualTo("password", "De wachtwoorden zijn niet gelijk."),
    ])


@bp.route("/wachtwoord-instellen/<token>", methods=["GET", "POST"])
@public
def set_password(token):
    user = user_id_from_token(token, lambda uid: db_session().get(User, uid))
    if user is None:
        abort(404)
    form = SetPasswordForm()
    if form.validate_on_submit():
        user.password_hash = hash_password(form.password.data)
        db_session().commit()
        flash("Uw wachtwoord is ingesteld. U kunt nu inloggen.")
        return redirect(url_for("auth.login"))
    return render_template("core/set_password.html", form=form, user=user)
