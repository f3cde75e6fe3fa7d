"""Forms of the admin section."""
from __future__ import annotations

from wtforms import BooleanField, DateField, EmailField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from core.forms import DutchForm
from core.identity.models import ROLES
from core.orgs.identifiers import identifier_problem
from core.orgs.models import ORG_KINDS


class UserForm(DutchForm):
    email = EmailField("E-mailadres", validators=[
        DataRequired("Vul een e-mailadres in."),
        Email("Dit is geen geldig e-mailadres.", check_deliverability=False),
        Length(max=254, message="Een e-mailadres heeft hoogstens 254 tekens."),
    ])
    name = StringField("Naam", validators=[DataRequired("Vul een naam in."), Length(max=200)])
    is_platform_admin = BooleanField("Platformbeheerder")


class MembershipForm(DutchForm):
    organisation = SelectField("Organisatie", coerce=int, validators=[DataRequired("Kies een organisatie.")])
    role = SelectField("Rol", choices=list(ROLES.items()), validators=[DataRequired("Kies een rol.")])
    ends_on = DateField("Einddatum (laatste dag van de rol, bijvoorbeeld van een tekenbevoegdheid)",
                        validators=[Optional()])


class InviteForm(DutchForm):
    """An organisation admin invites a person into their organisation."""

    email = EmailField("E-mailadres", validators=[
        DataRequired("Vul een e-mailadres in."),
        Email("Dit is geen geldig e-mailadres.", check_deliverability=False),
        Length(max=254, message="Een e-mailadres heeft hoogstens 254 tekens."),
    ])
    name = StringField("Naam", validators=[DataRequired("Vul een naam in."), Length(max=200)])
    role = SelectField("Rol", choices=list(ROLES.items()), validators=[DataRequired("Kies een rol.")])
    ends_on = DateField("Einddatum van de rol (optioneel)", validators=[Optional()])


class OrganisationForm(DutchForm):
    kind = SelectField("Soort", choices=[(k, label) for k, (label, _s) in ORG_KINDS.items()],
                       validators=[DataRequired("Kies een soort.")])
    identifier = StringField("Identificatie (BRIN, CBS-code, KvK-nummer of RMC-code)",
                             validators=[DataRequired("Vul de identificatie in."), Length(max=20)])
    name = StringField("Naam", validators=[DataRequired("Vul een naam in."), Length(max=200)])

    def validate_identifier(self, field):
        field.data = (field.data or "").strip().upper()
        problem = identifier_problem(self.kind.data, field.data)
        if problem:
            raise ValidationError(problem[0].upper() + problem[1:] + ".")


class AuditFilterForm(DutchForm):
    class Meta:
        csrf = False

    region = SelectField("Regio", coerce=int, validators=[Optional()])
    organisation = StringField("Organisatie (identificatie)", validators=[Optional(), Length(max=20)])
    user = StringField("Gebruiker (e-mailadres)", validators=[Optional(), Length(max=254)])
    object_type = StringField("Soort object", validators=[Optional(), Length(max=80)])
    object_id = StringField("Object-id", validators=[Optional(), Length(max=80)])
    date_from = DateField("Vanaf datum", validators=[Optional()])
    date_to = DateField("Tot en met datum", validators=[Optional()])
    page = IntegerField("Pagina", default=1, validators=[Optional()])
