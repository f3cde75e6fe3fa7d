"""The coordinators' forms: the page switch and a publish of one school year."""
from __future__ import annotations

from wtforms import HiddenField
from wtforms.validators import AnyOf, DataRequired

from core.forms import DutchForm


class SwitchForm(DutchForm):
    enabled = HiddenField(validators=[AnyOf(["0", "1"])])


class PublishForm(DutchForm):
    school_year = HiddenField(validators=[DataRequired()])
