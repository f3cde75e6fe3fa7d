"""Forms with which coordinators compose a consortium."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Form, HiddenField, SearchField, SelectField
from wtforms.validators import DataRequired

from core.consortia.models import CONSORTIUM_ROLES
from core.forms import DutchForm
from core.orgs.models import ORG_KINDS


class AddConsortiumMemberForm(DutchForm):
    instrument = HiddenField(validators=[DataRequired(_l("Instrument ontbreekt."))])
    organisation = SelectField(_l("Organisatie"), coerce=int, validate_choice=True,
                               validators=[DataRequired(_l("Kies een organisatie."))])
    role = SelectField(_l("Rol in het consortium"), choices=list(CONSORTIUM_ROLES.items()),
                       validators=[DataRequired(_l("Kies een rol."))])


class RemoveConsortiumMemberForm(DutchForm):
    pass


class OrganisationSearchForm(Form):
    """The picker's search (a GET form, no CSRF): part of a name or identifier, and a kind."""

    q = SearchField(_l("Naam of code (BRIN, CBS, KvK)"))
    kind = SelectField(_l("Soort"), choices=[("", _l("Alle soorten"))] + [(k, label) for k, (label, _s) in ORG_KINDS.items()],
                       validate_choice=False)
