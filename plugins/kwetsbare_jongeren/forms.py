"""Forms of the kwetsbare_jongeren instrument."""
from __future__ import annotations

from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from core.plugin_api import Form

from . import privacy
from .models import CATEGORIES, ROLE_LABELS
from .sheets import period_problem

CATEGORY_FIELDS = [(f"cat_{i}", c) for i, c in enumerate(CATEGORIES)]


class _ReportBase(Form):
    organisation = SelectField("Melder (uw organisatie)", coerce=int)
    municipality = SelectField("Gemeente waarover u meldt")
    period = StringField("Periode", validators=[DataRequired("Vul de periode in.")])

    period_kind = "schooljaar"

    def validate_period(self, field):
        value = (field.data or "").strip()
        problem = period_problem(value)
        if problem:
            raise ValidationError(problem[0].upper() + problem[1:] + ".")
        quarter = "-K" in value
        if quarter != (self.period_kind == "kwartaal"):
            wanted = "een kwartaal (zoals 2025-K1)" if self.period_kind == "kwartaal" else "een schooljaar (zoals 2024-2025)"
            raise ValidationError(f"Deze regio meldt per {self.period_kind}: vul {wanted} in.")
        field.data = value

    def counts(self) -> dict[str, int]:
        return {cat: getattr(self, name).data for name, cat in CATEGORY_FIELDS if getattr(self, name).data is not None}

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and not self.counts():
            getattr(self, CATEGORY_FIELDS[0][0]).errors.append("Vul minstens één aantal in.")
            return False
        return ok


def _no_bsn(form, field):
    if field.data is not None and privacy.looks_like_bsn(field.data):
        raise ValidationError("Dit getal doorstaat de elfproef voor een burgerservicenummer; vul alleen "
                              "aantallen in, nooit persoonsgegevens.")


def report_form_class():
    fields = {name: IntegerField(cat.capitalize(), validators=[
        Optional(), NumberRange(min=0, message="Een aantal is 0 of meer."), _no_bsn])
        for name, cat in CATEGORY_FIELDS}
    return type("ReportForm", (_ReportBase,), fields)


ReportForm = report_form_class()

ROLE_CHOICES = [("", "–"), *ROLE_LABELS.items()]


def matrix_form_class(tasks: list[str], parties: list) -> type[Form]:
    """One select per (party, task): empty, uitvoerend or eindverantwoordelijk."""
    fields = {}
    layout = []
    for org in parties:
        names = []
        for t_index, task in enumerate(tasks):
            name = f"cel_{org.id}_{t_index}"
            fields[name] = SelectField(f"{org.name}: {task}", choices=ROLE_CHOICES, default="")
            names.append(name)
        layout.append((org, names))
    cls = type("MatrixForm", (Form,), fields)
    cls.layout = layout
    cls.tasks = tasks
    return cls
