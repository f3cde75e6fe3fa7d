"""Forms of the kwetsbare_jongeren instrument."""
from __future__ import annotations

from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from core.plugin_api import Form, _, lazy_gettext

from . import privacy
from .models import CATEGORIES, CATEGORY_LABELS, ROLE_LABELS
from .settings import TASK_LABELS
from .sheets import PERIOD_RE, own_municipality_problem, period_kind_problem

CATEGORY_FIELDS = [(f"cat_{i}", c) for i, c in enumerate(CATEGORIES)]


class _ReportBase(Form):
    organisation = SelectField(lazy_gettext("Melder (uw organisatie)"), coerce=int)
    municipality = SelectField(lazy_gettext("Gemeente waarover u meldt"))
    period = StringField(lazy_gettext("Periode"), validators=[DataRequired(lazy_gettext("Vul de periode in."))])

    # set by the view: the region's period kind and name, and the organisations offered as reporter (id -> org)
    period_kind = "schooljaar"
    region_name = ""
    reporters: dict = {}

    def validate_period(self, field):
        value = (field.data or "").strip()
        # The sheet's rule decides; the form says it in the reader's language.
        if period_kind_problem(value, self.period_kind, self.region_name):
            raise ValidationError(_period_message(value, self.period_kind, self.region_name))
        field.data = value

    def validate_municipality(self, field):
        reporter = self.reporters.get(self.organisation.data)
        if own_municipality_problem(reporter, field.data):
            raise ValidationError(_("%(code)s (%(name)s) meldt alleen aantallen over de eigen gemeente, niet over "
                                    "%(municipality)s; het RMC meldt voor elke gemeente van de regio.",
                                    code=reporter.identifier, name=reporter.name, municipality=field.data))

    def counts(self) -> dict[str, int]:
        return {cat: getattr(self, name).data for name, cat in CATEGORY_FIELDS if getattr(self, name).data is not None}

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and not self.counts():
            getattr(self, CATEGORY_FIELDS[0][0]).errors.append(_("Vul minstens één aantal in."))
            return False
        return ok


def _period_message(period: str, kind: str, region_name: str) -> str:
    """Why `period` is not a period of the region's kind (sheets.period_kind_problem), in the reader's language."""
    match = PERIOD_RE.match(period)
    if match is None:
        return _("'%(period)s' is geen periode: schrijf een schooljaar (2024-2025) of een kwartaal (2025-K1).",
                 period=period)
    if "-K" not in period and int(match.group(2)) != int(match.group(1)) + 1:
        return _("'%(period)s' is geen schooljaar: het tweede jaar volgt op het eerste (zoals 2024-2025).",
                 period=period)
    if kind == "kwartaal":
        return _("'%(period)s' is een schooljaar, maar regio %(region)s meldt per kwartaal: vul een kwartaal "
                 "(zoals 2025-K1) in.", period=period, region=region_name)
    return _("'%(period)s' is een kwartaal, maar regio %(region)s meldt per schooljaar: vul een schooljaar "
             "(zoals 2024-2025) in.", period=period, region=region_name)


def _no_bsn(form, field):
    if field.data is not None and privacy.looks_like_bsn(field.data):
        raise ValidationError(_("Dit getal doorstaat de elfproef voor een burgerservicenummer; vul alleen "
                                "aantallen in, nooit persoonsgegevens."))


def report_form_class():
    fields = {name: IntegerField(CATEGORY_LABELS[cat], validators=[
        Optional(), NumberRange(min=0, message=lazy_gettext("Een aantal is 0 of meer.")), _no_bsn])
        for name, cat in CATEGORY_FIELDS}
    return type("ReportForm", (_ReportBase,), fields)


ReportForm = report_form_class()

ROLE_CHOICES = [("", "–"), *ROLE_LABELS.items()]


def matrix_form_class(tasks: list[str], parties: list) -> type[Form]:
    """One select per (party, task): empty, uitvoerend or eindverantwoordelijk.

    Each select is labelled with the party and the task (a screen reader names both in the table's cell);
    the class is built per request, so the labels are in the reader's language.
    """
    fields = {"basis": HiddenField()}  # the digest of the stored matrix the form was shown with (no lost update)
    layout = []
    for org in parties:
        names = []
        for t_index, task in enumerate(tasks):
            name = f"cel_{org.id}_{t_index}"
            label = _("Rol van %(party)s bij %(task)s", party=org.name, task=TASK_LABELS.get(task, task))
            fields[name] = SelectField(label, choices=ROLE_CHOICES, default="")
            names.append(name)
        layout.append((org, names))
    cls = type("MatrixForm", (Form,), fields)
    cls.layout = layout
    cls.tasks = tasks
    return cls
