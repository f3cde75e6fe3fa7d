"""Forms of the vsv instrument (Dutch labels and messages)."""
from __future__ import annotations

from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional, Regexp, ValidationError

from core.plugin_api import Form

from .settings import is_school_year

COUNT = [InputRequired("Vul een aantal in (een geheel getal van 0 of meer)."),
         NumberRange(min=0, message="Vul een geheel getal van 0 of meer in.")]


class FigureForm(Form):
    school_year = StringField("Schooljaar", validators=[
        InputRequired("Vul een schooljaar in, zoals 2024-2025."),
        Regexp(r"^\s*\d{4}-\d{4}\s*$", message="Schrijf het schooljaar als twee jaartallen, zoals 2024-2025.")])
    municipality = SelectField("Gemeente", coerce=int,
                               validators=[InputRequired("Kies een gemeente.")])
    brin = SelectField("Instelling (BRIN)", validators=[Optional()], default="")
    participants = IntegerField("Deelnemers", validators=COUNT)
    new_leavers = IntegerField("Nieuwe vsv'ers", validators=COUNT)

    def validate_school_year(self, field):
        if field.data and not is_school_year(field.data.strip()):

            raise ValidationError("Een schooljaar bestaat uit twee opeenvolgende jaren, zoals 2024-2025.")

    def validate_new_leavers(self, field):
        if field.data is not None and self.participants.data is not None and field.data > self.participants.data:

            raise ValidationError(f"Het aantal nieuwe vsv'ers ({field.data}) is groter dan het aantal "
                                  f"deelnemers ({self.participants.data}).")


class CountsForm(Form):
    """Changing the counts of one stored figure."""

    participants = IntegerField("Deelnemers", validators=COUNT)
    new_leavers = IntegerField("Nieuwe vsv'ers", validators=COUNT)

    validate_new_leavers = FigureForm.validate_new_leavers
