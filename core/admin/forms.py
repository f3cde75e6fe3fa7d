"""Forms of the admin section."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, EmailField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from core.concurrency import VersionField
from core.forms import DutchForm
from core.identity.models import PLATFORM_ROLES, ROLES
from core.orgs.identifiers import identifier_problem
from core.orgs.models import ORG_KINDS


class UserForm(DutchForm):
    email = EmailField(_l("E-mailadres"), validators=[
        DataRequired(_l("Vul een e-mailadres in.")),
        Email(_l("Dit is geen geldig e-mailadres."), check_deliverability=False),
        Length(max=254, message=_l("Een e-mailadres heeft hoogstens 254 tekens.")),
    ])
    name = StringField(_l("Naam"), validators=[DataRequired(_l("Vul een naam in.")), Length(max=200)])
    is_platform_admin = BooleanField(_l("Platformbeheerder"))
    platform_role = SelectField(_l("Landelijke rol (zonder organisatie)"),
                                choices=[("", _l("geen"))] + list(PLATFORM_ROLES.items()), default="")


class PlatformRoleForm(DutchForm):
    """A platform admin gives a user a role above the regions (the ministry, a national assessor), or takes it."""

    platform_role = SelectField(_l("Landelijke rol (zonder organisatie)"),
                                choices=[("", _l("geen"))] + list(PLATFORM_ROLES.items()), default="")
    shown = HiddenField()  # the role the page showed: a save is refused if another admin changed it since


class MembershipForm(DutchForm):
    organisation = SelectField(_l("Organisatie"), coerce=int, validators=[DataRequired(_l("Kies een organisatie."))])
    role = SelectField(_l("Rol"), choices=list(ROLES.items()), validators=[DataRequired(_l("Kies een rol."))])
    ends_on = DateField(_l("Einddatum (laatste dag van de rol, bijvoorbeeld van een tekenbevoegdheid)"),
                        validators=[Optional()])
    version = VersionField()  # empty: the admin has seen no stored membership in this organisation


class InviteForm(DutchForm):
    """An organisation admin invites a person into their organisation."""

    email = EmailField(_l("E-mailadres"), validators=[
        DataRequired(_l("Vul een e-mailadres in.")),
        Email(_l("Dit is geen geldig e-mailadres."), check_deliverability=False),
        Length(max=254, message=_l("Een e-mailadres heeft hoogstens 254 tekens.")),
    ])
    name = StringField(_l("Naam"), validators=[DataRequired(_l("Vul een naam in.")), Length(max=200)])
    role = SelectField(_l("Rol"), choices=list(ROLES.items()), validators=[DataRequired(_l("Kies een rol."))])
    ends_on = DateField(_l("Einddatum van de rol (optioneel)"), validators=[Optional()])


class OrganisationForm(DutchForm):
    kind = SelectField(_l("Soort"), choices=[(k, label) for k, (label, _s) in ORG_KINDS.items()],
                       validators=[DataRequired(_l("Kies een soort."))])
    identifier = StringField(_l("Identificatie (BRIN, CBS-code, KvK-nummer of RMC-code)"),
                             validators=[DataRequired(_l("Vul de identificatie in.")), Length(max=20)])
    name = StringField(_l("Naam"), validators=[DataRequired(_l("Vul een naam in.")), Length(max=200)])

    def validate_identifier(self, field):
        field.data = (field.data or "").strip().upper()
        problem = identifier_problem(self.kind.data, field.data)
        if problem:
            raise ValidationError(problem[0].upper() + problem[1:] + ".")


class AuditFilterForm(DutchForm):
    class Meta:
        csrf = False

    region = SelectField(_l("Regio"), coerce=int, validators=[Optional()])
    organisation = StringField(_l("Organisatie (identificatie)"), validators=[Optional(), Length(max=20)])
    user = StringField(_l("Gebruiker (e-mailadres)"), validators=[Optional(), Length(max=254)])
    object_type = StringField(_l("Soort object"), validators=[Optional(), Length(max=80)])
    object_id = StringField(_l("Object-id"), validators=[Optional(), Length(max=80)])
    date_from = DateField(_l("Vanaf datum"), validators=[Optional()])
    date_to = DateField(_l("Tot en met datum"), validators=[Optional()])
    page = IntegerField(_l("Pagina"), default=1, validators=[Optional()])


class SecurityEventFilterForm(DutchForm):
    """The filters of the security log: kind, account, dates and address (a GET form)."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Soort gebeurtenis"), validators=[Optional()])
    email = StringField(_l("Account (e-mailadres, of een deel ervan)"), validators=[Optional(), Length(max=254)])
    date_from = DateField(_l("Vanaf datum"), validators=[Optional()])
    date_to = DateField(_l("Tot en met datum"), validators=[Optional()])
    address = StringField(_l("IP-adres (of het begin ervan)"), validators=[Optional(), Length(max=64)])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("De einddatum ligt vóór de begindatum."))
