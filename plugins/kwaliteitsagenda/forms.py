"""The forms of the kwaliteitsagenda: agenda, goal, invitation, response, consent, assessment, realisation.

Amounts and figures are typed the Dutch way ("1.250,50") or plainly ("1250.50") and become Decimal; every
refusal is a Dutch message at its field (the view then writes nothing).
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from core.plugin_api import Form, VersionField, _, lazy_gettext

from .privacy import personal_data
from .models import AGREE, ASSESSMENT_KINDS, CONSENT_GIVEN, CONSENT_REFUSED, INSUFFICIENT, REMARKS, SUFFICIENT

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,19}$")
KIND_LABELS = {"initieel": lazy_gettext("Beoordeling van de agenda"),
               "tussentijds": lazy_gettext("Tussentijdse beoordeling"),
               "eind": lazy_gettext("Eindbeoordeling")}
VERDICT_LABELS = {SUFFICIENT: lazy_gettext("Voldoende"), INSUFFICIENT: lazy_gettext("Onvoldoende")}
CONSENT_LABELS = {CONSENT_GIVEN: lazy_gettext("Instemming"), CONSENT_REFUSED: lazy_gettext("Geen instemming")}
RESPONSE_LABELS = {AGREE: lazy_gettext("Akkoord"), REMARKS: lazy_gettext("Opmerkingen")}


def parse_number(text: str | None, money: bool = False) -> Decimal | None:
    """"1.250,50", "1250.50", "€ 1 250" -> Decimal; empty -> None; raise ValueError otherwise.

    For an amount (`money`) dots in groups of three are thousands ("250.000" is 250000, the Dutch way).
    """
    value = (text or "").strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
    if not value:
        return None
    if "," in value or (money and re.fullmatch(r"-?\d{1,3}(\.\d{3})+", value)):
        value = value.replace(".", "").replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", value):
        raise ValueError(value)
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValueError(value) from None


class NoPersonalData:
    """A validator: the text holds no e-mail address, phone number or BSN (privacy.personal_data)."""

    def __call__(self, form, field):
        problem = personal_data(field.data)
        if problem:
            raise ValidationError(_("%(field)s %(problem)s.", field=field.label.text, problem=problem))


class NumberField(StringField):
    """A decimal number typed the Dutch way; `.number` holds the Decimal (None when empty)."""

    def __init__(self, label=None, validators=None, *, money=False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.money = money
        self.number = None

    def pre_validate(self, form):
        self.number = None
        try:
            self.number = parse_number(self.data, self.money)
        except ValueError:
            if self.money:
                raise ValidationError(_("%(field)s: '%(value)s' is geen bedrag; schrijf het in euro's, zoals "
                                        "125000 of 125.000,00.", field=self.label.text, value=self.data)) from None
            raise ValidationError(_("%(field)s: '%(value)s' is geen getal; schrijf bijvoorbeeld 12,5.",
                                    field=self.label.text, value=self.data)) from None
        if self.money and self.number is not None:
            if self.number < 0:
                raise ValidationError(_("%(field)s kan niet negatief zijn; vul een bedrag van 0 of meer in.",
                                        field=self.label.text))
            if self.number != self.number.quantize(Decimal("0.01")):
                raise ValidationError(_("%(field)s heeft hoogstens twee decimalen (centen).", field=self.label.text))


class AgendaForm(Form):
    organisation = SelectField(lazy_gettext("Instelling"), coerce=int,
                               validators=[InputRequired(lazy_gettext("Kies de instelling."))])
    period = SelectField(lazy_gettext("Periode"), validate_choice=False,
                         validators=[InputRequired(lazy_gettext("Kies een periode."))])

    def setup(self, organisations, periods) -> None:
        self.organisation.choices = [(o.id, f"{o.name} ({o.identifier})") for o in organisations]
        self.period.choices = [(p, p) for p in periods]
        self.periods = list(periods)

    def validate_period(self, field):
        if field.data not in self.periods:
            raise ValidationError(_("Periode %(period)s is geen periode waarvoor deze regio agenda's opstelt "
                                    "(kies uit: %(known)s).", period=field.data,
                                    known=", ".join(self.periods) or _("geen")))


class GoalForm(Form):
    """One goal; `for_period(period, priorities)` makes the class with a target field per year."""

    code = StringField(lazy_gettext("Code"), validators=[InputRequired(lazy_gettext("Vul een code in, zoals K1.")),
                                                          Length(max=20)])
    priority = SelectField(lazy_gettext("Prioriteit"), validate_choice=False,
                           validators=[InputRequired(lazy_gettext("Kies de prioriteit waaronder het doel valt."))])
    title = StringField(lazy_gettext("Doel"), validators=[
        InputRequired(lazy_gettext("Beschrijf het doel.")), Length(max=300), NoPersonalData()])
    indicator = StringField(lazy_gettext("Indicator"), validators=[Optional(), Length(max=200), NoPersonalData()])
    baseline = NumberField(lazy_gettext("Startmeting"))
    lower_is_better = BooleanField(lazy_gettext("Het doel is een lagere waarde (bijvoorbeeld minder uitval)"))
    investment = NumberField(lazy_gettext("Investeringsbudget (euro)"), money=True,
                             validators=[InputRequired(lazy_gettext("Vul het investeringsbudget in (0 als er geen "
                                                                    "is)."))])
    result_dependent = NumberField(lazy_gettext("Resultaatafhankelijk budget (euro)"), money=True,
                                   validators=[InputRequired(lazy_gettext("Vul het resultaatafhankelijke budget in "
                                                                          "(0 als er geen is)."))])
    version = VersionField()  # the version of the goal the form was shown with (empty for a new one)

    @classmethod
    def for_period(cls, years: list[int]):
        """A GoalForm class with a richtpunt field `target_<year>` for every year of the period."""
        form_class = type("PeriodGoalForm", (cls,), {})
        for year in years:
            setattr(form_class, f"target_{year}", NumberField(lazy_gettext("Richtpunt %(year)s", year=year)))
        return form_class

    def setup(self, period: str, priorities: list[str], years: list[int], codes_taken=()) -> None:
        self.period, self.priorities, self.years = period, list(priorities), list(years)
        self.codes_taken = {c.casefold() for c in codes_taken}
        self.priority.choices = [("", _("Kies een prioriteit"))] + [(p, p) for p in priorities]

    def target_fields(self):
        return [getattr(self, f"target_{year}") for year in self.years]

    def validate_code(self, field):
        if not CODE_RE.match(field.data or ""):
            raise ValidationError(_("Code: gebruik letters, cijfers, punt of streepje, zoals K1 of 2.3."))
        if field.data.casefold() in self.codes_taken:
            raise ValidationError(_("Code %(code)s staat al in deze agenda; kies een andere.", code=field.data))

    def validate_priority(self, field):
        if field.data not in self.priorities:
            raise ValidationError(_("Prioriteit '%(priority)s' hoort niet bij de periode %(period)s; kies uit: "
                                    "%(known)s.", priority=field.data, period=self.period,
                                    known="; ".join(self.priorities)))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        targets = {year: f.number for year, f in zip(self.years, self.target_fields()) if not f.errors}
        if not any(v is not None for v in targets.values()) and not any(f.errors for f in self.target_fields()):
            first = self.target_fields()[0]
            first.errors = [*first.errors, _("Vul ten minste één richtpunt in.")]
            ok = False
        if any(v is not None for v in targets.values()) and self.baseline.number is None \
                and not self.baseline.errors:
            self.baseline.errors = [*self.baseline.errors, _("Vul de startmeting in: een richtpunt zonder "
                                                             "startmeting kan niet.")]
            ok = False
        return ok

    def targets(self) -> dict[str, str]:
        return {str(year): str(f.number) for year, f in zip(self.years, self.target_fields()) if f.number is not None}

    def fill(self, goal) -> None:
        self.version.data = goal.version
        self.code.data, self.priority.data, self.title.data = goal.code, goal.priority, goal.title
        self.indicator.data = goal.indicator
        self.baseline.data = "" if goal.baseline is None else str(goal.baseline)
        self.lower_is_better.data = goal.lower_is_better
        self.investment.data, self.result_dependent.data = str(goal.investment), str(goal.result_dependent)
        for year, f in zip(self.years, self.target_fields()):
            value = goal.target(year)
            f.data = "" if value is None else str(value)

    def apply(self, goal) -> None:
        goal.code, goal.priority, goal.title = self.code.data.strip(), self.priority.data, self.title.data.strip()
        goal.indicator = (self.indicator.data or "").strip() or None
        goal.baseline = self.baseline.number
        goal.targets = self.targets()
        goal.lower_is_better = bool(self.lower_is_better.data)
        goal.investment, goal.result_dependent = self.investment.number, self.result_dependent.number


class InviteForm(Form):
    organisation = SelectField(lazy_gettext("Organisatie"), coerce=int,
                               validators=[InputRequired(lazy_gettext("Kies de organisatie die u uitnodigt."))])


class ResponseForm(Form):
    decision = SelectField(lazy_gettext("Reactie"), choices=[("", lazy_gettext("Kies akkoord of opmerkingen"))] + [
        (k, v) for k, v in RESPONSE_LABELS.items()],
        validators=[InputRequired(lazy_gettext("Kies akkoord of opmerkingen."))])
    text = TextAreaField(lazy_gettext("Toelichting"), validators=[Optional(), Length(max=4000), NoPersonalData()])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.decision.data == REMARKS and not (self.text.data or "").strip():
            self.text.errors = [*self.text.errors, _("Schrijf uw opmerkingen op.")]
            ok = False
        return ok


class ConsentForm(Form):
    body = SelectField(lazy_gettext("Raad"), choices=[
        ("works_council", lazy_gettext("Ondernemingsraad")), ("student_council", lazy_gettext("Studentenraad"))],
        validators=[InputRequired(lazy_gettext("Kies de raad."))])
    decided_on = DateField(lazy_gettext("Datum van het besluit"),
                           validators=[InputRequired(lazy_gettext("Vul de datum van het besluit in."))])
    decision = SelectField(lazy_gettext("Besluit"), choices=[("", lazy_gettext("Kies het besluit"))] + [
        (k, v) for k, v in CONSENT_LABELS.items()], validators=[InputRequired(lazy_gettext("Kies het besluit."))])

    def validate_decided_on(self, field):
        if field.data is not None and field.data > self.today:
            raise ValidationError(_("De datum van het besluit ligt in de toekomst."))


class AssessmentForm(Form):
    kind = SelectField(lazy_gettext("Soort beoordeling"), choices=[(k, KIND_LABELS[k]) for k in ASSESSMENT_KINDS],
                       validators=[InputRequired(lazy_gettext("Kies de soort beoordeling."))])
    verdict = SelectField(lazy_gettext("Oordeel"), choices=[("", lazy_gettext("Kies voldoende of onvoldoende"))] + [
        (k, v) for k, v in VERDICT_LABELS.items()], validators=[InputRequired(lazy_gettext("Kies het oordeel."))])
    budget_consequence = NumberField(lazy_gettext("Budgettair gevolg (euro)"), money=True, validators=[
        InputRequired(lazy_gettext("Vul het budgettaire gevolg in: het bedrag dat de instelling (nog) krijgt."))])

    def reason_field(self, goal) -> str:
        return f"reason_{goal.id}"


class RealisationForm(Form):
    goal = SelectField(lazy_gettext("Doel"), validators=[InputRequired(lazy_gettext("Kies het doel."))])
    year = SelectField(lazy_gettext("Jaar"), coerce=int, validate_choice=False,
                       validators=[InputRequired(lazy_gettext("Kies het jaar."))])
    value = NumberField(lazy_gettext("Realisatie"), validators=[InputRequired(lazy_gettext("Vul de realisatie in."))])
    note = StringField(lazy_gettext("Toelichting"), validators=[Optional(), Length(max=500), NoPersonalData()])
    version = VersionField()  # the stored realisation the form was shown with ("version@id"; empty: a new one)

    def setup(self, goals, years) -> None:
        self.goal.choices = [(g.code, f"{g.code} {g.title}") for g in goals]
        self.year.choices = [(y, str(y)) for y in years]
        self.years = list(years)


class SignForm(Form):
    """The button that drafts the agenda's agreement (CSRF only)."""
