"""Forms with which coordinators compose a consortium."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired

from core.consortia.models import CONSORTIUM_ROLES
from core.forms import DutchForm


class AddConsortiumMemberForm(DutchForm):
    instrument = HiddenField(validators=[DataRequired(_l("Instrument ontbreekt."))])
    organisation = SelectField(_l("Organisatie"), coerce=int, validate_choice=True,
                               validators=[DataRequired(_l("Kies een organisatie."))])
    role = SelectField(_l("Rol in het consortium"), choices=list(CONSORTIUM_ROLES.items()),
                       validators=[DataRequired(_l("Kies een rol."))])


class RemoveConsortiumMemberForm(DutchForm):
    pass

