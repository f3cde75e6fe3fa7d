"""The report form: the same fields and rules as the Excel sheet "stagepact"."""
from __future__ import annotations

from wtforms import IntegerField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from core.plugin_api import Form, SchoolYearField, VersionField, _, lazy_gettext, number

from .models import MEASURE_MAX_LENGTH, MEASURE_SEPARATOR, MEASURES_MAX_LENGTH, join_measures, split_measures
from .sheets import RULES, SPEC

YES_NO = [("", lazy_gettext("Kies ja of nee")), ("ja", lazy_gettext("Ja")), ("nee", lazy_gettext("Nee"))]
COUNT_FIELDS = ("reports_received", "reports_handled", "reports_forwarded", "teams_matching", "teams_total")
# The form's labels in the reader's language; the Excel headers (sheets.COLUMNS) stay Dutch: they are a file format.
LABELS = {
    "has_desk": lazy_gettext("Meldpunt"),
    "has_procedure": lazy_gettext("Procedure"),
    "reports_received": lazy_gettext("Meldingen ontvangen"),
    "reports_handled": lazy_gettext("Meldingen afgehandeld"),
    "reports_forwarded": lazy_gettext("Doorgezet naar SBB"),
    "teams_matching": lazy_gettext("Teams met stagematching"),
    "teams_total": lazy_gettext("Teams totaal"),
}


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False, html_tag="ul")
    option_widget = CheckboxInput()


def _count(key: str) -> IntegerField:
    label = LABELS[key]
    return IntegerField(label, validators=[
        InputRequired(lazy_gettext("Vul een aantal in bij %(field)s (0 als er geen zijn).", field=label)),
        NumberRange(min=0, message=lazy_gettext("%(field)s kan niet negatief zijn.", field=label)),
    ])


def _yes_no(key: str) -> SelectField:
    label = LABELS[key]
    return SelectField(label, choices=YES_NO,
                       validators=[InputRequired(lazy_gettext("Kies ja of nee bij %(field)s.", field=label))])


def _rule_message(column: str, values: dict) -> str | None:
    """The message of a sheet rule (sheets.RULES) that fails on the form, in the reader's language."""
    if column == "reports_handled":
        return _("Meldingen afgehandeld (%(value)s) is groter dan meldingen ontvangen (%(limit)s).",
                 value=number(values["reports_handled"]), limit=number(values["reports_received"]))
    if column == "reports_forwarded":
        return _("Doorgezet naar SBB (%(value)s) is groter dan meldingen ontvangen (%(limit)s).",
                 value=number(values["reports_forwarded"]), limit=number(values["reports_received"]))
    if column == "teams_matching":
        return _("Teams met stagematching (%(value)s) is groter dan teams totaal (%(limit)s).",
                 value=number(values["teams_matching"]), limit=number(values["teams_total"]))
    return None


class ReportForm(Form):
    organisation = SelectField(lazy_gettext("Instelling"), coerce=int,
                               validators=[InputRequired(lazy_gettext("Kies de instelling waarvoor u rapporteert."))])
    # the region's closed set of school years (core: SchoolYearSettings), latest first; one message otherwise
    school_year = SchoolYearField(lazy_gettext("Schooljaar"))
    has_desk = _yes_no("has_desk")
    has_procedure = _yes_no("has_procedure")
    reports_received = _count("reports_received")
    reports_handled = _count("reports_handled")
    reports_forwarded = _count("reports_forwarded")
    teams_matching = _count("teams_matching")
    teams_total = _count("teams_total")
    measure_kinds = CheckboxList(lazy_gettext("Genomen maatregelen"), choices=[])
    other_measures = TextAreaField(lazy_gettext("Andere maatregelen"))
    version = VersionField()  # the version of the report the form was shown with (empty for a new one)

    def setup(self, *, organisations, kinds, report=None, context=None):
        """Fill the choices; on an existing report, fix its institution and school year. `context`: the
        RuleContext the sheet's rules get on the form (as in an Excel import)."""
        self.context = context
        if "organisation" in self:
            self.organisation.choices = [(o.id, f"{o.name} ({o.identifier})") for o in organisations]
        if "school_year" in self:
            self.school_year.offer(context.school_years)
        self.measure_kinds.choices = [(k, k) for k in kinds]
        self.kinds = list(kinds)
        if report is not None and not self.is_submitted():
            self.version.data = report.version
            self.has_desk.data = "ja" if report.has_desk else "nee"
            self.has_procedure.data = "ja" if report.has_procedure else "nee"
            for key in COUNT_FIELDS:
                getattr(self, key).data = getattr(report, key)
            known = {k.casefold(): k for k in kinds}
            items = report.measure_list
            self.measure_kinds.data = [known[m.casefold()] for m in items if m.casefold() in known]
            self.other_measures.data = "\n".join(m for m in items if m.casefold() not in known)

    def other_items(self) -> list[str]:
        text = (self.other_measures.data or "").replace(MEASURE_SEPARATOR, "\n")
        return [line.strip() for line in text.splitlines() if line.strip()]

    def measures(self) -> str | None:
        chosen = [k for k in self.kinds if k in (self.measure_kinds.data or [])]
        seen = {k.casefold() for k in chosen}
        others = []
        for item in self.other_items():
            if item.casefold() not in seen:
                seen.add(item.casefold())
                others.append(item)
        return join_measures(chosen + others)

    def validate_other_measures(self, field):
        for line, item in enumerate(self.other_items(), start=1):
            if len(item) > MEASURE_MAX_LENGTH:
                raise ValidationError(_("Regel %(line)s ('%(start)s…') is langer dan %(max)s tekens; houd elke "
                                        "maatregel kort.", line=line, start=item[:30],
                                        max=number(MEASURE_MAX_LENGTH)))
        if len(self.measures() or "") > MEASURES_MAX_LENGTH:
            raise ValidationError(_("Alle maatregelen samen zijn langer dan %(max)s tekens; maak ze korter.",
                                    max=number(MEASURES_MAX_LENGTH)))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        values = self.values()
        labels = {c.key: c.label for c in SPEC.columns}
        for rule in RULES:
            # measures: checked above per line; school_year: the report-date lock, which the view checks
            if rule.column in ("measures", "school_year") or any(values.get(k) is None for k in rule.needs):
                continue
            if getattr(self, rule.column).errors:
                continue
            message = rule.apply(values, labels, getattr(self, "context", None))
            if message:
                # The sheet's rule decides; the form says it in the reader's language.
                message = _rule_message(rule.column, values) or message[:1].upper() + message[1:] + "."
                getattr(self, rule.column).errors.append(message)
                ok = False
        return ok

    def values(self) -> dict:
        """The entered values under the model's keys (None where a field is empty or invalid)."""
        out = {}
        for key in COUNT_FIELDS:
            field = getattr(self, key)
            out[key] = field.data if not field.errors and isinstance(field.data, int) else None
        for key in ("has_desk", "has_procedure"):
            data = getattr(self, key).data
            out[key] = {"ja": True, "nee": False}.get(data)
        out["measures"] = self.measures()
        return out

    def apply(self, report) -> None:
        for key, value in self.values().items():
            setattr(report, key, value)
        report.is_demo = False


# A conflict shows the stored measures under the checklist's label (the model keeps them in one column).
STORED_AS = {"measure_kinds": "measures"}

__all__ = ["STORED_AS", "ReportForm", "split_measures"]
