"""The form of the hello instrument."""
from __future__ import annotations

from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from core.plugin_api import Form, lazy_gettext


class GreetingForm(Form):
    # Field labels and messages are built once at import: lazy_gettext translates them per request.
    organisation = SelectField(lazy_gettext("Organisatie"), coerce=int)
    text = StringField(lazy_gettext("Groet"), validators=[DataRequired(lazy_gettext("Vul een groet in.")),
                                                          Length(max=200)])
