"""Narrowing a long list of organisations for a picker that works without JavaScript."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from wtforms import Form, SearchField, SelectField

from core.orgs.models import ORG_KINDS
from core.orgs.places import organisation_places

PICKER_LIMIT = 50  # options shown at once; the search narrows the rest


@dataclass
class PickerResult:
    """The organisations shown, and how many matched in all."""

    shown: list = field(default_factory=list)
    matched: int = 0
    total: int = 0

    @property
    def truncated(self) -> bool:
        return self.matched > len(self.shown)


def search_organisations(organisations, text: str = "", kind: str = "", first=frozenset(),
                         limit: int = PICKER_LIMIT) -> PickerResult:
    """Filter `organisations` by name, identifier or place (`text`, case-insensitive) and `kind`.

    Those whose id is in `first` (the region's consortium) come first, then by name; at most `limit` shown.
    """
    organisations = list(organisations)
    needle = " ".join(text.split()).casefold()
    kind = kind if kind in ORG_KINDS else ""
    places = organisation_places() if needle else {}
    matched = [o for o in organisations
               if (not kind or o.kind == kind)
               and (not needle or needle in o.name.casefold() or needle in o.identifier.casefold()
                    or needle in places.get(o.identifier, ""))]
    matched.sort(key=lambda o: (o.id not in first, o.name.casefold(), o.identifier))
    return PickerResult(matched[:limit], len(matched), len(organisations))


class OrganisationSearchForm(Form):
    """The picker's search (a GET form, no CSRF): part of a name, place or identifier, and a kind."""

    q = SearchField(_l("Naam, plaats of code (BRIN, CBS, KvK)"))
    kind = SelectField(_l("Soort"), choices=[("", _l("Alle soorten"))] + [(k, label) for k, (label, _s) in ORG_KINDS.items()],
                       validate_choice=False)
