"""Sign-in form."""
from __future__ import annotations

from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email

from core.forms import DutchForm


class LoginForm(DutchForm):
    email = EmailField("E-mailadres", validators=[
        DataRequired("Vul uw e-mailadres in."),
        Email("Dit is geen geldig e-mailadres.", check_deliverability=False),
    ])
    password = PasswordField("Wachtwoord", validators=[DataRequired("Vul uw wachtwoord in.")])
