"""Sign-in form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length

from core.forms import DutchForm


class LoginForm(DutchForm):
    email = EmailField(_l("E-mailadres"), validators=[
        DataRequired(_l("Vul uw e-mailadres in.")),
        Email(_l("Dit is geen geldig e-mailadres."), check_deliverability=False),
    ], render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired(_l("Vul uw wachtwoord in."))],
                             render_kw={"autocomplete": "current-password"})


class SecondFactorForm(DutchForm):
    code = StringField(_l("Code uit uw authenticator-app, of een herstelcode"), validators=[
        DataRequired(_l("Vul de code in.")), Length(max=40, message=_l("Deze code is te lang."))],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off"})
