"""Sign-in form."""
from __future__ import annotations

from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length

from core.forms import DutchForm


class LoginForm(DutchForm):
    email = EmailField("E-mailadres", validators=[
        DataRequired("Vul uw e-mailadres in."),
        Email("Dit is geen geldig e-mailadres.", check_deliverability=False),
    ])
    password = PasswordField("Wachtwoord", validators=[DataRequired("Vul uw wachtwoord in.")])


class SecondFactorForm(DutchForm):
    code = StringField("Code uit uw authenticator-app, of een herstelcode", validators=[
        DataRequired("Vul de code in."), Length(max=40, message="Deze code is te lang.")],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off"})
