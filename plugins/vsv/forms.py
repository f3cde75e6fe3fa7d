"""Forms of the vsv instrument (Dutch labels and messages, in English when the reader chooses it)."""
from __future__ import annotations

from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional, StopValidation, ValidationError

from core.plugin_api import Form, SchoolYearField, VersionField, _, lazy_gettext, number

WHOLE = lazy_gettext("Vul een geheel getal van 0 of meer in.")


def _one_message(form, field):
    """Text that is no whole number gets the same one message as a negative number (not two)."""
    if field.process_errors:
        field.errors[:] = []
        raise StopValidation(str(WHOLE))


COUNT = [InputRequired(lazy_gettext("Vul een aantal in (een geheel getal van 0 of meer).")), _one_message,
         NumberRange(min=0, message=WHOLE)]


class FigureForm(Form):
    # the region's closed set of school years (the view offers context.school_years); one message otherwise
    school_year = SchoolYearField(lazy_gettext("Schooljaar"))
    municipality = SelectField(lazy_gettext("Gemeente"), coerce=int,
                               validators=[InputRequired(lazy_gettext("Kies een gemeente."))])
    brin = SelectField(lazy_gettext("Instelling (BRIN)"), validators=[Optional()], default="")
    participants = IntegerField(lazy_gettext("Deelnemers"), validators=COUNT)
    new_leavers = IntegerField(lazy_gettext("Nieuwe vsv'ers"), validators=COUNT)
    version = VersionField()  # empty: the reporter has seen no stored figures for this key

    def validate_new_leavers(self, field):
        # compared only with a valid number of participants (no second message about an invalid one)
        if self.participants.errors or self.participants.data is None or field.data is None:
            return
        if field.data > self.participants.data:
            raise ValidationError(_("Het aantal nieuwe vsv'ers (%(leavers)s) is groter dan het aantal deelnemers "
                                    "(%(participants)s).", leavers=number(field.data),
                                    participants=number(self.participants.data)))


class CountsForm(Form):
    """Changing the counts of one stored figure."""

    participants = IntegerField(lazy_gettext("Deelnemers"), validators=COUNT)
    new_leavers = IntegerField(lazy_gettext("Nieuwe vsv'ers"), validators=COUNT)
    version = VersionField()

    validate_new_leavers = FigureForm.validate_new_leavers
