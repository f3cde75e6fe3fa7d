"""Forms of the vsv instrument (Dutch labels and messages, in English when the reader chooses it)."""
from __future__ import annotations

from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional, Regexp, ValidationError

from core.plugin_api import Form, VersionField, _, lazy_gettext, number

from .settings import is_school_year

COUNT = [InputRequired(lazy_gettext("Vul een aantal in (een geheel getal van 0 of meer).")),
         NumberRange(min=0, message=lazy_gettext("Vul een geheel getal van 0 of meer in."))]


class FigureForm(Form):
    school_year = StringField(lazy_gettext("Schooljaar"), validators=[
        InputRequired(lazy_gettext("Vul een schooljaar in, zoals 2024-2025.")),
        Regexp(r"^\s*\d{4}-\d{4}\s*$",
               message=lazy_gettext("Schrijf het schooljaar als twee jaartallen, zoals 2024-2025."))])
    municipality = SelectField(lazy_gettext("Gemeente"), coerce=int,
                               validators=[InputRequired(lazy_gettext("Kies een gemeente."))])
    brin = SelectField(lazy_gettext("Instelling (BRIN)"), validators=[Optional()], default="")
    participants = IntegerField(lazy_gettext("Deelnemers"), validators=COUNT)
    new_leavers = IntegerField(lazy_gettext("Nieuwe vsv'ers"), validators=COUNT)
    version = VersionField()  # empty: the reporter has seen no stored figures for this key

    def validate_school_year(self, field):
        if field.data and not is_school_year(field.data.strip()):
            raise ValidationError(_("Een schooljaar bestaat uit twee opeenvolgende jaren, zoals 2024-2025."))

    def validate_new_leavers(self, field):
        if field.data is not None and self.participants.data is not None and field.data > self.participants.data:
            raise ValidationError(_("Het aantal nieuwe vsv'ers (%(leavers)s) is groter dan het aantal deelnemers "
                                    "(%(participants)s).", leavers=number(field.data),
                                    participants=number(self.participants.data)))


class CountsForm(Form):
    """Changing the counts of one stored figure."""

    participants = IntegerField(lazy_gettext("Deelnemers"), validators=COUNT)
    new_leavers = IntegerField(lazy_gettext("Nieuwe vsv'ers"), validators=COUNT)
    version = VersionField()

    validate_new_leavers = FigureForm.validate_new_leavers
