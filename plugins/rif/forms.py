"""Forms of the rif instrument: Dutch labels and messages, marked for translation."""
from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal, InvalidOperation

from wtforms import (BooleanField, DateField, FileField, RadioField, SelectField, SelectMultipleField, StringField,
                     TextAreaField, widgets)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from core.plugin_api import Form, VersionField, _, lazy_gettext, number

from .rules import COST_CATEGORIES, CRITERIA, DECISIONS, GRANTED, SCORE_MAX, SCORE_MIN, SECTORS, TARGET_GROUPS

_PLAIN = re.compile(r"^\d+(?:[.,]\d{1,2})?$")
_DUTCH = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?$")
_ENGLISH = re.compile(r"^\d{1,3}(?:,\d{3})+\.\d{1,2}$")  # only with a decimal point: "12,345" is refused
MONEY_MAX = Decimal("9999999999.99")


class MoneyError(ValueError):
    """An amount that cannot be read; `too_large` tells which of the two problems it is."""

    def __init__(self, message: str, *, too_large: bool = False):
        super().__init__(message)
        self.too_large = too_large


def parse_money(text: str) -> Decimal:
    """'1.234,56', '1234,56', '1234.56' or '€ 1.234' -> Decimal('1234.56'); MoneyError (a ValueError, its text
    in Dutch) otherwise. MoneyField says it in the reader's language."""
    raw = (text or "").replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
    if _PLAIN.match(raw):
        value = Decimal(raw.replace(",", "."))
    elif _DUTCH.match(raw):
        value = Decimal(raw.replace(".", "").replace(",", "."))
    elif _ENGLISH.match(raw):
        value = Decimal(raw.replace(",", ""))
    else:
        raise MoneyError(f"'{text}' is geen bedrag in euro met hoogstens twee decimalen (bijvoorbeeld 12.500,00)")
    try:
        value = value.quantize(Decimal("0.01"))
    except InvalidOperation:
        raise MoneyError(f"'{text}' is te groot", too_large=True) from None
    if value > MONEY_MAX:
        raise MoneyError(f"'{text}' is te groot", too_large=True)
    return value


class MoneyField(StringField):
    """An amount in euro, as an exact Decimal with two decimals."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        if self.raw.strip():
            try:
                self.data = parse_money(self.raw)
            except MoneyError as exc:
                self.data = None
                if exc.too_large:
                    raise ValueError(_("'%(text)s' is te groot", text=self.raw)) from None
                raise ValueError(_("'%(text)s' is geen bedrag in euro met hoogstens twee decimalen "
                                   "(bijvoorbeeld %(example)s)", text=self.raw,
                                   example=number(Decimal("12500"), 2))) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return number(self.data, 2)  # 12.500,00 (nl), 12,500.00 (en): parse_money reads both


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ApplicationForm(Form):
    organisation = SelectField(lazy_gettext("Penvoerder (mbo-instelling)"), coerce=int,
                               validators=[InputRequired(lazy_gettext("Kies de penvoerder."))])
    title = StringField(lazy_gettext("Titel van het project"),
                        validators=[DataRequired(lazy_gettext("Vul de titel in.")), Length(max=200)])
    description = TextAreaField(lazy_gettext("Beschrijving"),
                                validators=[DataRequired(lazy_gettext("Beschrijf het project.")), Length(max=5000)])
    sectors = CheckboxesField(lazy_gettext("Sectoren"), choices=list(SECTORS.items()),
                              validators=[DataRequired(lazy_gettext("Kies minstens één sector."))])
    target_groups = CheckboxesField(lazy_gettext("Doelgroepen"), choices=list(TARGET_GROUPS.items()),
                                    validators=[DataRequired(lazy_gettext("Kies minstens één doelgroep."))])
    # A date field: the browser offers a date picker; typed, the date reads 2026-09-01.
    start = DateField(lazy_gettext("Startdatum"),
                      validators=[InputRequired(lazy_gettext("Vul de startdatum in, zoals 2026-09-01."))])
    end = DateField(lazy_gettext("Einddatum"),
                    validators=[InputRequired(lazy_gettext("Vul de einddatum in, zoals 2028-08-31."))])
    requested_subsidy = MoneyField(lazy_gettext("Aangevraagde subsidie (euro)"), validators=[Optional()])

    def validate_end(self, field):
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_("De einddatum moet na de startdatum liggen."))

    def validate_requested_subsidy(self, field):
        if field.data is not None and field.data < 0:
            raise ValidationError(_("De subsidie kan niet negatief zijn."))


class EditForm(ApplicationForm):
    organisation = None  # the penvoerder does not change
    version = VersionField()  # the version of the application the form was shown with


class BudgetForm(Form):
    category = SelectField(lazy_gettext("Kostensoort"), choices=list(COST_CATEGORIES.items()),
                           validators=[InputRequired(lazy_gettext("Kies een kostensoort."))])
    description = StringField(lazy_gettext("Omschrijving"), validators=[Optional(), Length(max=200)])
    amount = MoneyField(lazy_gettext("Bedrag (euro)"), validators=[InputRequired(lazy_gettext("Vul het bedrag in."))])

    def validate_amount(self, field):
        if field.data is not None and field.data <= 0:
            raise ValidationError(_("Het bedrag moet groter dan nul zijn."))


class PartnerForm(Form):
    partner = SelectField(lazy_gettext("Partner"), coerce=int,
                          validators=[InputRequired(lazy_gettext("Kies een partner."))])
    mkb = BooleanField(lazy_gettext("Deze partner is een mkb-bedrijf"))
    pledged_cash = MoneyField(lazy_gettext("Toegezegd in geld (euro)"),
                              validators=[InputRequired(lazy_gettext("Vul het bedrag in geld in (0 mag)."))])
    pledged_in_kind = MoneyField(lazy_gettext("Toegezegd in natura (euro)"),
                                 validators=[InputRequired(lazy_gettext("Vul de waarde in natura in (0 mag)."))])
    in_kind_description = StringField(lazy_gettext("Wat wordt in natura geleverd?"),
                                      validators=[Optional(), Length(max=200)])

    def validate_pledged_in_kind(self, field):
        if self.pledged_cash.data is not None and field.data is not None and \
                self.pledged_cash.data + field.data <= 0:
            raise ValidationError(_("Een partner draagt in geld of in natura iets bij."))


def partner_form(years=(), formdata=True):
    """The partner form with, per calendar year of the project, the pledge in cash and in kind (optional: when
    given, the years must add up to the pledge; the signatory confirms them with it)."""

    class YearlyPartnerForm(PartnerForm):
        def validate(self, extra_validators=None):
            ok = super().validate(extra_validators)
            filled = [y for y in years if getattr(self, f"year_cash_{y}").data is not None
                      or getattr(self, f"year_in_kind_{y}").data is not None]
            if not ok or not filled:
                return ok
            for kind, total in (("cash", self.pledged_cash.data), ("in_kind", self.pledged_in_kind.data)):
                split = sum((getattr(self, f"year_{kind}_{y}").data or Decimal("0") for y in years), Decimal("0"))
                if split != total:
                    field = getattr(self, f"year_{kind}_{years[0]}")
                    field.errors = list(field.errors) + [_(
                        "De verdeling per jaar (%(split)s) telt niet op tot de toezegging (%(total)s).",
                        split=number(split, 2), total=number(total, 2))]
                    ok = False
            return ok

        def yearly(self) -> list[tuple[int, Decimal, Decimal]]:
            """(year, cash, in kind) for the years given; [] when the pledge is not split per year."""
            out = [(y, getattr(self, f"year_cash_{y}").data or Decimal("0.00"),
                    getattr(self, f"year_in_kind_{y}").data or Decimal("0.00")) for y in years]
            return out if any(c or k for _y, c, k in out) else []

    for year in years:
        setattr(YearlyPartnerForm, f"year_cash_{year}",
                MoneyField(lazy_gettext("%(year)s: in geld (euro)", year=year), validators=[Optional()]))
        setattr(YearlyPartnerForm, f"year_in_kind_{year}",
                MoneyField(lazy_gettext("%(year)s: in natura (euro)", year=year), validators=[Optional()]))
    return YearlyPartnerForm() if formdata is True else YearlyPartnerForm(formdata=None)


class TransitionForm(Form):
    """The next step, sent by a button (a hidden field: its label is never shown)."""

    to = StringField(lazy_gettext("Nieuwe status"), validators=[DataRequired()])


class RemoveLineForm(Form):
    line = StringField(lazy_gettext("Regel"), validators=[DataRequired()])


class DraftAgreementForm(Form):
    """Draft the samenwerkingsovereenkomst from a granted application (CSRF only: everything comes from it)."""


class AssessorForm(Form):
    email = StringField(lazy_gettext("E-mailadres van de beoordelaar"),
                        validators=[Optional(), Email(lazy_gettext("Vul een geldig e-mailadres in.")),
                                    Length(max=254)])
    remove = StringField(lazy_gettext("Verwijderen"), validators=[Optional()])


def score_form(data=None):
    """A form with one score (1-5) per published criterion."""

    class ScoreForm(Form):
        pass

    for criterion in CRITERIA:
        setattr(ScoreForm, f"score_{criterion.key}", SelectField(
            criterion.label, choices=[("", lazy_gettext("Kies een score"))] + [(str(i), str(i)) for i in
                                                                               range(SCORE_MIN, SCORE_MAX + 1)],
            validators=[DataRequired(lazy_gettext("Geef een score voor '%(criterion)s'.",
                                                  criterion=criterion.label))],
            description=criterion.help))
    return ScoreForm(data=data)


def midterm_form(partners, data=None):
    """Delivered cash and in kind per partner line, a reflection and adjustments."""

    class MidtermForm(Form):
        reflection = TextAreaField(lazy_gettext("Reflectie: wat ging goed, wat niet?"),
                                   validators=[DataRequired(lazy_gettext("Schrijf een reflectie.")),
                                               Length(max=5000)])
        adjustments = TextAreaField(lazy_gettext("Bijstellingen voor de tweede helft"),
                                    validators=[Optional(), Length(max=5000)])

    for p in partners:
        setattr(MidtermForm, f"delivered_cash_{p.id}",
                MoneyField(lazy_gettext("%(partner)s: geleverd in geld (euro)", partner=p.partner.name),
                           validators=[Optional()]))
        setattr(MidtermForm, f"delivered_in_kind_{p.id}",
                MoneyField(lazy_gettext("%(partner)s: geleverd in natura (euro)", partner=p.partner.name),
                           validators=[Optional()]))
    return MidtermForm(data=data)


class DecisionForm(Form):
    """The ministry's decision: grant (with the amount) or refuse, the date and the reasons.

    `requested` (the application's requested subsidy) and `today` are set by the view: the amount granted
    never exceeds what was asked, and a decision is not dated in the future."""

    requested = None
    today = None
    outcome = RadioField(lazy_gettext("Besluit"), choices=list(DECISIONS.items()),
                         validators=[InputRequired(lazy_gettext("Kies toekennen of afwijzen."))])
    decided_on = DateField(lazy_gettext("Datum van het besluit"),
                           validators=[InputRequired(lazy_gettext("Vul de datum van het besluit in, zoals 2027-03-01."))])
    granted_subsidy = MoneyField(lazy_gettext("Toegekende subsidie (euro)"), validators=[Optional()])
    reasons = TextAreaField(lazy_gettext("Motivering"),
                            validators=[DataRequired(lazy_gettext("Schrijf de motivering van het besluit.")),
                                        Length(max=5000)])

    def validate_decided_on(self, field):
        if field.data and self.today and field.data > self.today:
            raise ValidationError(_("De datum van het besluit kan niet in de toekomst liggen."))

    def validate_granted_subsidy(self, field):
        if self.outcome.data != GRANTED:
            return
        if field.data is None:
            raise ValidationError(_("Vul het toegekende bedrag in."))
        if field.data <= 0:
            raise ValidationError(_("Het toegekende bedrag moet groter dan nul zijn."))
        if self.requested is not None and field.data > self.requested:
            raise ValidationError(_("Het toegekende bedrag is meer dan de aangevraagde subsidie (%(requested)s).",
                                    requested=number(self.requested, 2)))


# --- attachments: PDF and .xlsx only, size-limited, checked for being what their extension says -------------
# (a PDF starts with %PDF-; an .xlsx is a zip that openpyxl opens, without macros and without a zip bomb's
# unpacked size). Messages name the file, in the reader's language.

# What an attachment is, as the application form's step Documenten asks for it.
ATTACHMENT_KINDS = {
    "samenwerkingsovereenkomst": lazy_gettext("Samenwerkingsovereenkomst van de partners (getekend)"),
    "begroting": lazy_gettext("Begroting"),
    "overig": lazy_gettext("Overige bijlage"),
}
ATTACHMENT_TYPES = {".pdf": "application/pdf",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
MAX_UNPACKED = 200 * 1024 * 1024  # an .xlsx that unpacks to more is refused (a zip bomb)


def _extension(filename: str) -> str:
    name = (filename or "").lower()
    return name[name.rfind("."):] if "." in name else ""


def _xlsx_problem(data: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        return "not an xlsx"
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        return "not an xlsx"
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        return "macros"
    if unpacked > MAX_UNPACKED:
        return "too large unpacked"
    try:
        import openpyxl

        openpyxl.load_workbook(io.BytesIO(data), read_only=True).close()
    except Exception:  # openpyxl raises many kinds on a broken workbook
        return "not an xlsx"
    return None


def check_attachment(filename: str, data: bytes, max_mb: int) -> tuple[str | None, str | None]:
    """(content type, None) for an acceptable file; (None, the reason in the reader's language) otherwise."""
    ext = _extension(filename)
    if ext not in ATTACHMENT_TYPES:
        return None, _("%(name)s is geen PDF- of .xlsx-bestand; alleen die twee soorten kunnen worden bijgevoegd.",
                       name=filename or "?")
    if not data:
        return None, _("%(name)s is leeg.", name=filename)
    if len(data) > max_mb * 1024 * 1024:
        return None, _("%(name)s is groter dan %(max)s MB.", name=filename, max=max_mb)
    if ext == ".pdf" and not data.startswith(b"%PDF-"):
        return None, _("%(name)s heet een PDF, maar is er geen.", name=filename)
    if ext == ".xlsx":
        problem = _xlsx_problem(data)
        if problem == "macros":
            return None, _("%(name)s bevat macro's; voeg een gewoon .xlsx-bestand zonder macro's bij.", name=filename)
        if problem is not None:
            return None, _("%(name)s heet een .xlsx-bestand, maar Excel kan het niet openen als werkmap.",
                           name=filename)
    return ATTACHMENT_TYPES[ext], None


class AttachmentForm(Form):
    """One attachment (PDF or .xlsx) and what it is; the content is checked in attachments.check."""

    attachment_kind = SelectField(lazy_gettext("Soort bijlage"), validators=[InputRequired(lazy_gettext("Kies de soort bijlage."))])
    file = FileField(lazy_gettext("Bestand (PDF of .xlsx)"))

    def validate_file(self, field):
        if not getattr(field.data, "filename", None):
            raise ValidationError(_("Kies een bestand (PDF of .xlsx)."))
