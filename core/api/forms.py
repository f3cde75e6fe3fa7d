"""The forms an organisation admin (or a platform admin, for a platform read token) fills in to make an API token."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from core.forms import DutchForm
from core.identity.models import today

MAX_DAYS = 730  # a token lives at most two years; a new one is made before it ends
SCOPE_CHOICES = [("", _l("geen toegang")), ("read", _l("lezen")), ("write", _l("lezen en schrijven"))]


class PlatformTokenForm(DutchForm):
    """Name and expiry: what a platform admin fills in for a platform read token (no scopes: it reads all)."""

    name = StringField(_l("Naam (waarvoor is deze sleutel?)"), validators=[
        DataRequired(_l("Vul een naam in.")),
        Length(max=100, message=_l("Een naam heeft hoogstens 100 tekens."))])
    expires_on = DateField(_l("Geldig tot en met"), validators=[DataRequired(_l("Vul een geldige datum in."))])

    def validate_expires_on(self, field):
        if field.data is None:
            return
        now = today()
        if field.data < now:
            raise ValidationError(_l("De einddatum ligt in het verleden; kies vandaag of later."))
        if field.data > now + dt.timedelta(days=MAX_DAYS):
            raise ValidationError(_l("Een sleutel is hoogstens twee jaar geldig; kies een eerdere einddatum."))


class TokenForm(PlatformTokenForm):
    """Name, expiry and, per instrument enabled for the organisation, a scope (see `token_form`)."""

    instrument_keys: tuple[str, ...] = ()

    def scope_fields(self):
        return [self[f"scope_{key}"] for key in self.instrument_keys]

    def scopes(self) -> dict[str, str]:
        """instrument key -> "read" or "write", for the instruments given access."""
        return {key: self[f"scope_{key}"].data for key in self.instrument_keys if self[f"scope_{key}"].data}

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and not self.scopes():
            first = self.scope_fields()[0] if self.instrument_keys else self.name
            first.errors = [*first.errors, _l("Geef de sleutel toegang tot minstens één instrument.")]
            return False
        return ok


def platform_token_form(**kwargs) -> PlatformTokenForm:
    """A PlatformTokenForm, valid for a year unless changed."""
    kwargs.setdefault("expires_on", today() + dt.timedelta(days=365))
    return PlatformTokenForm(**kwargs)


def token_form(instruments: list[tuple[str, str]], **kwargs) -> TokenForm:
    """A TokenForm with one scope choice per (key, name) in `instruments`."""

    class _Form(TokenForm):
        pass

    for key, name in instruments:
        setattr(_Form, f"scope_{key}", SelectField(name, choices=SCOPE_CHOICES, default=""))
    _Form.instrument_keys = tuple(key for key, _ in instruments)
    kwargs.setdefault("expires_on", today() + dt.timedelta(days=365))
    return _Form(**kwargs)
