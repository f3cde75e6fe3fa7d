"""Forms of the rif instrument (Dutch labels and messages)."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from wtforms import (BooleanField, DateField, SelectField, SelectMultipleField, StringField, TextAreaField,
                     widgets)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from core.plugin_api import Form

from .rules import COST_CATEGORIES, CRITERIA, SCORE_MAX, SCORE_MIN, SECTORS, TARGET_GROUPS

_PLAIN = re.compile(r"^\d+(?:[.,]\d{1,2})?$")
_DUTCH = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?$")
_ENGLISH = re.compile(r"^\d{1,3}(?:,\d{3})+\.\d{1,2}$")  # only with a decimal point: "12,345" is refused
MONEY_MAX = Decimal("9999999999.99")


def parse_money(text: str) -> Decimal:
    """'1.234,56', '1234,56', '1234.56' or '€ 1.234' -> Decimal('1234.56'); ValueError in Dutch otherwise."""
    raw = (text or "").replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
    if _PLAIN.match(raw):
        value = Decimal(raw.replace(",", "."))
    elif _DUTCH.match(raw):
        value = Decimal(raw.replace(".", "").replace(",", "."))
    elif _ENGLISH.match(raw):
        value = Decimal(raw.replace(",", ""))
    else:
        raise ValueError(f"'{text}' is geen bedrag in euro met hoogstens twee decimalen (bijvoorbeeld 12.500,00)")
    try:
        value = value.quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError(f"'{text}' is te groot") from None
    if value > MONEY_MAX:
        raise ValueError(f"'{text}' is te groot")
    return value


class MoneyField(StringField):
    """An amount in euro, as an exact Decimal with two decimals."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        if self.raw.strip():
            try:
                self.data = parse_money(self.raw)
            except ValueError as exc:
                self.data = None
                raise ValueError(str(exc)) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{self.data:.2f}".replace(".", ",")


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ApplicationForm(Form):
    organisation = SelectField("Penvoerder (mbo-instelling)", coerce=int,
                               validators=[InputRequired("Kies de penvoerder.")])
    title = StringField("Titel van het project", validators=[DataRequired("Vul de titel in."), Length(max=200)])
    description = TextAreaField("Beschrijving", validators=[DataRequired("Beschrijf het project."),
                                                            Length(max=5000)])
    sectors = CheckboxesField("Sectoren", choices=list(SECTORS.items()),
                              validators=[DataRequired("Kies minstens één sector.")])
    target_groups = CheckboxesField("Doelgroepen", choices=list(TARGET_GROUPS.items()),
                                    validators=[DataRequired("Kies minstens één doelgroep.")])
    start = DateField("Startdatum", validators=[InputRequired("Vul de startdatum in (dd-mm-jjjj).")])
    end = DateField("Einddatum", validators=[InputRequired("Vul de einddatum in (dd-mm-jjjj).")])
    requested_subsidy = MoneyField("Aangevraagde subsidie (euro)", validators=[Optional()])

    def validate_end(self, field):
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError("De einddatum moet na de startdatum liggen.")

    def validate_requested_subsidy(self, field):
        if field.data is not None and field.data < 0:
            raise ValidationError("De subsidie kan niet negatief zijn.")


class EditForm(ApplicationForm):
    organisation = None  # the penvoerder does not change


class BudgetForm(Form):
    category = SelectField("Kostensoort", choices=list(COST_CATEGORIES.items()),
                           validators=[InputRequired("Kies een kostensoort.")])
    description = StringField("Omschrijving", validators=[Optional(), Length(max=200)])
    amount = MoneyField("Bedrag (euro)", validators=[InputRequired("Vul het bedrag in.")])

    def validate_amount(self, field):
        if field.data is not None and field.data <= 0:
            raise ValidationError("Het bedrag moet groter dan nul zijn.")


class PartnerForm(Form):
    partner = SelectField("Partner", coerce=int, validators=[InputRequired("Kies een partner.")])
    mkb = BooleanField("Deze partner is een mkb-bedrijf")
    pledged_cash = MoneyField("Toegezegd in geld (euro)", validators=[InputRequired("Vul het bedrag in geld in (0 mag).")])
    pledged_in_kind = MoneyField("Toegezegd in natura (euro)",
                                 validators=[InputRequired("Vul de waarde in natura in (0 mag).")])
    in_kind_description = StringField("Wat wordt in natura geleverd?", validators=[Optional(), Length(max=200)])

    def validate_pledged_in_kind(self, field):
        if self.pledged_cash.data is not None and field.data is not None and \
                self.pledged_cash.data + field.data <= 0:
            raise ValidationError("Een partner draagt in geld of in natura iets bij.")


class TransitionForm(Form):
    to = StringField("Nieuwe status", validators=[DataRequired()])


class RemoveLineForm(Form):
    line = StringField("Regel", validators=[DataRequired()])


class AssessorForm(Form):
    email = StringField("E-mailadres van de beoordelaar",
                        validators=[Optional(), Email("Vul een geldig e-mailadres in."), Length(max=254)])
    remove = StringField("Verwijderen", validators=[Optional()])


def score_form(data=None):
    """A form with one score (1-5) per published criterion."""

    class ScoreForm(Form):
        pass

    for criterion in CRITERIA:
        setattr(ScoreForm, f"score_{criterion.key}", SelectField(
            criterion.label, choices=[("", "Kies een score")] + [(str(i), str(i)) for i in
                                                                  range(SCORE_MIN, SCORE_MAX + 1)],
            validators=[DataRequired(f"Geef een score voor '{criterion.label}'.")], description=criterion.help))
    return ScoreForm(data=data)


def midterm_form(partners, data=None):
    """Delivered cash and in kind per partner line, a reflection and adjustments."""

    class MidtermForm(Form):
        reflection = TextAreaField("Reflectie: wat ging goed, wat niet?",
                                   validators=[DataRequired("Schrijf een reflectie."), Length(max=5000)])
        adjustments = TextAreaField("Bijstellingen voor de tweede helft", validators=[Optional(), Length(max=5000)])

    for p in partners:
        setattr(MidtermForm, f"delivered_cash_{p.id}",
                MoneyField(f"{p.partner.name}: geleverd in geld (euro)", validators=[Optional()]))
        setattr(MidtermForm, f"delivered_in_kind_{p.id}",
                MoneyField(f"{p.partner.name}: geleverd in natura (euro)", validators=[Optional()]))
    return MidtermForm(data=data)
