"""Rows hidden in a sheet (by the user or by an autofilter) are never stored without a word.

The uploader chooses (a choice on the upload form, `regio import --hidden=`)
or the sheet declares `SheetSpec.hidden_rows`: import them, or skip them.
Without a choice the upload is refused with a message naming the rows.
"""
from __future__ import annotations

from flask_babel import gettext as _, ngettext

from core.i18n import grouped

HIDDEN_IMPORT = "import"
HIDDEN_SKIP = "skip"
CHOICES = (HIDDEN_IMPORT, HIDDEN_SKIP)
ROWS_NAMED = 20


def rows_text(rows: list[int]) -> str:
    """"5, 7 en 9" (the first ROWS_NAMED, then how many more)."""
    shown = [grouped(r) for r in rows[:ROWS_NAMED]]
    more = len(rows) - len(shown)
    if more > 0:
        return _("%(rows)s en nog %(more)s", rows=", ".join(shown), more=grouped(more))
    if len(shown) == 1:
        return shown[0]
    return _("%(rows)s en %(last)s", rows=", ".join(shown[:-1]), last=shown[-1])


def hidden_refusal(rows: list[int]) -> str:
    """The message when hidden rows were found and nobody chose what to do with them."""
    return ngettext("Rij %(rows)s is verborgen (door een filter of met de hand); kies of verborgen rijen worden "
                    "geïmporteerd of overgeslagen, of maak de rij zichtbaar.",
                    "%(num)s rijen zijn verborgen (door een filter of met de hand): %(rows)s; kies of verborgen "
                    "rijen worden geïmporteerd of overgeslagen, of maak ze zichtbaar.", len(rows),
                    rows=rows_text(rows))


def chosen(choice: str | None, spec) -> str | None:
    """The uploader's choice, else what the sheet declares, else None (refuse)."""
    if choice in CHOICES:
        return choice
    declared = getattr(spec, "hidden_rows", None)
    return declared if declared in CHOICES else None


def hidden_notice(rows: list[int], choice: str | None) -> str:
    """What happened to hidden rows, for the preview (web) and the command line."""
    if choice == HIDDEN_SKIP:
        return ngettext("%(num)s verborgen rij wordt overgeslagen: %(rows)s.",
                        "%(num)s verborgen rijen worden overgeslagen: %(rows)s.", len(rows), rows=rows_text(rows))
    return ngettext("%(num)s verborgen rij wordt geïmporteerd: %(rows)s.",
                    "%(num)s verborgen rijen worden geïmporteerd: %(rows)s.", len(rows), rows=rows_text(rows))
