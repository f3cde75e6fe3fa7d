"""Forms with which coordinators compose a consortium."""
from __future__ import annotations

from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired

from core.consortia.models import CONSORTIUM_ROLES
from core.forms import DutchForm


class AddConsortiumMemberForm(DutchForm):
    instrument = HiddenField(validators=[DataRequired("Instrument ontbreekt.")])
    organisation = SelectField("Organisatie", coerce=int, validate_choice=True,
                               validators=[DataRequired("Kies een organisatie.")])
    role = SelectField("Rol in het consortium", choices=list(CONSORTIUM_ROLES.items()),
                       validators=[DataRequired("Kies een rol.")])


class RemoveConsortiumMemberForm(DutchForm):
    pass
