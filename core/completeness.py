"""How complete a figure is: who was expected to report, who did, who is missing.

A region total that sums the reports of organisations (municipalities, mbo
institutions) says "x van de y gemeenten"; it is judged against a target only
when complete, and otherwise says "nog niet compleet" and names who is
missing. Every instrument builds its totals' completeness with
`completeness(...)` and judges with `Completeness.judge(...)`, so a partial
year is never "gehaald" anywhere on the platform.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from flask_babel import gettext as _, ngettext

from core.i18n import number

# What a total counts: the `noun` an instrument passes (anything else reads as "organisaties").
NOUNS = ("gemeente", "instelling", "partner", "organisatie")

MET, NOT_MET, INCOMPLETE, NO_TARGET = "gehaald", "niet gehaald", "nog niet compleet", "geen streefwaarde"


@dataclass(frozen=True)
class Completeness:
    """Who was expected to report for one figure and who did.

    reported: how many of the expected organisations reported
    expected: how many were expected (the region's municipalities, its mbo institutions, ...)
    missing:  the names of the expected organisations that did not report, sorted
    noun:     what is counted ("gemeente", "instelling", ...; see NOUNS)
    extra:    how many organisations reported that were not expected (no longer a member, ...): they do
              not make a figure complete
    """

    reported: int
    expected: int
    missing: tuple[str, ...] = ()
    noun: str = "gemeente"
    extra: int = 0

    @property
    def is_complete(self) -> bool:
        """Every expected organisation reported (and at least one was expected)."""
        return self.expected > 0 and not self.missing

    @property
    def label(self) -> str:
        """"3 van de 16 gemeenten", in the reader's language."""
        return _label(self.noun, self.reported, self.expected)

    @property
    def missing_text(self) -> str:
        """"Ontbreekt: De Bilt, Utrecht" (empty when complete)."""
        if not self.missing:
            return ""
        return _("Ontbreekt: %(names)s", names=", ".join(self.missing))

    def judge(self, met: bool | None) -> str:
        """The verdict on a target: MET or NOT_MET only when complete; INCOMPLETE for a partial figure
        (whatever the partial sum is); NO_TARGET when there is no target or no figure (`met` is None)."""
        if met is None:
            return NO_TARGET
        if not self.is_complete:
            return INCOMPLETE
        return MET if met else NOT_MET

    def verdict_text(self, met: bool | None) -> str:
        """`judge(met)` as shown in a table cell, in the reader's language ("gehaald", "nog niet compleet", "–")."""
        return verdict_text(self.judge(met))


def _label(noun: str, reported: int, expected: int) -> str:
    # One literal per noun so that the translation catalogue has each sentence whole.
    values = {"reported": number(reported), "expected": number(expected)}
    if noun == "gemeente":
        return ngettext("%(reported)s van de %(expected)s gemeente", "%(reported)s van de %(expected)s gemeenten",
                        expected, **values)
    if noun == "instelling":
        return ngettext("%(reported)s van de %(expected)s instelling",
                        "%(reported)s van de %(expected)s instellingen", expected, **values)
    if noun == "regio":
        return ngettext("%(reported)s van de %(expected)s regio", "%(reported)s van de %(expected)s regio's",
                        expected, **values)
    if noun == "partner":
        return ngettext("%(reported)s van de %(expected)s partner", "%(reported)s van de %(expected)s partners",
                        expected, **values)
    return ngettext("%(reported)s van de %(expected)s organisatie", "%(reported)s van de %(expected)s organisaties",
                    expected, **values)


def completeness(expected: Mapping[object, str], reported: Iterable[object], noun: str = "gemeente") -> Completeness:
    """The completeness of a total: `expected` maps each organisation expected to report (its id or code) to
    its name; `reported` holds the ids or codes of those that did (others are counted as `extra`)."""
    done = set(reported)
    missing = tuple(sorted((name for key, name in expected.items() if key not in done), key=str.casefold))
    return Completeness(reported=sum(1 for key in expected if key in done), expected=len(expected),
                        missing=missing, noun=noun, extra=len(done - set(expected)))


def verdict_text(verdict: str) -> str:
    """A verdict as shown in a table cell, in the reader's language (only that one translated: a cell per row)."""
    if verdict == MET:
        return _("gehaald")
    if verdict == NOT_MET:
        return _("niet gehaald")
    if verdict == INCOMPLETE:
        return _("nog niet compleet")
    return {NO_TARGET: "–"}[verdict]
