"""Shared form helpers: the standard validators' messages in the reader's language, the error summary, the
school-year drop-down."""
from __future__ import annotations

from functools import cache

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.i18n import get_translations
from wtforms.validators import StopValidation

from core.school_years import InvalidSchoolYear


@cache
def _builtin_messages(language: str):
    """WTForms' own catalogue for `language` ("Ongeldige datum.", "Ongeldige keuze.")."""
    return get_translations([language])


class DutchForm(FlaskForm):
    """A CSRF-protected form whose error list can be shown as a summary at the top."""

    class Meta:
        def get_translations(self, form):
            # Built-in messages (an unparseable date, a choice not offered) in the reader's language.
            from core.i18n import current_language

            return _builtin_messages(current_language())

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) for every error, in field order."""
        out = []
        for field in self:
            for message in field.errors:
                out.append((field.id, field.label.text, message))
        return out


class SchoolYearField(SelectField):
    """A drop-down of an instrument's closed set of school years (`offer(context.school_years)`), latest first.

    It accepts what the import accepts ("2024/2025", "24-25" -> "2024-2025") and refuses anything else
    with the set's one message, and nothing more (no second message from another validator).
    """

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, choices=[], validate_choice=False, **kwargs)
        self.school_years = None

    def offer(self, school_years) -> None:
        """Offer the years of `school_years` (a core.school_years.SchoolYears), the latest first."""
        self.school_years = school_years
        self.choices = [("", _("Kies een schooljaar"))] + [(y, y) for y in reversed(school_years.years)]

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = valuelist[0]

    def pre_validate(self, form):
        if self.school_years is None:
            raise RuntimeError("SchoolYearField.offer(...) was not called")
        if not (self.data or "").strip():
            raise StopValidation(_("Kies een schooljaar."))
        try:
            self.data = self.school_years.parse(self.data)
        except InvalidSchoolYear as exc:
            raise StopValidation(str(exc)) from None
