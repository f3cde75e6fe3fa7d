"""Shared form helpers: Dutch messages for the standard validators."""
from __future__ import annotations

from functools import cache

from flask_wtf import FlaskForm
from wtforms.i18n import get_translations


@cache
def _dutch_messages():
    """WTForms' own Dutch catalogue ("Ongeldige datum.", "Ongeldige keuze.")."""
    return get_translations(["nl"])


class DutchForm(FlaskForm):
    """A CSRF-protected form whose error list can be shown as a summary at the top."""

    class Meta:
        def get_translations(self, form):
            # Built-in messages (an unparseable date, a choice not offered) in Dutch too;
            # without Flask-Babel, Flask-WTF would leave them in English.
            return _dutch_messages()

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) for every error, in field order."""
        out = []
        for field in self:
            for message in field.errors:
                out.append((field.id, field.label.text, message))
        return out
