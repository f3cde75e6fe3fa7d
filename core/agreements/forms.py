"""Forms for agreements: the draft/edit form (built per template), signing, and the small action forms."""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from core.agreements.templates import AgreementTemplate, AgreementTerm, TermsError
from core.forms import DutchForm


class CheckboxListField(SelectMultipleField):
    """Several checkboxes (rendered inside a fieldset by the template)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AgreementFormBase(DutchForm):
    basis = HiddenField()
    title = StringField(_l("Titel"), validators=[
        DataRequired(_l("Vul een titel in.")), Length(max=200, message=_l("Een titel heeft hoogstens 200 tekens."))])
    text = TextAreaField(_l("Tekst (Markdown)"), render_kw={"rows": 16}, validators=[
        DataRequired(_l("Vul de tekst van de afspraak in.")),
        Length(max=100_000, message=_l("De tekst is langer dan 100.000 tekens."))])
    parties = CheckboxListField(_l("Verplichte partijen"), coerce=int, validate_choice=False)

    term_fields: list[tuple[str, AgreementTerm, str | None]] = []

    def validate_parties(self, field):
        allowed = {value for value, _label in field.choices}
        if not field.data:
            raise ValidationError(_("Kies minstens één verplichte partij uit het consortium."))
        if set(field.data) - allowed:
            raise ValidationError(_("Kies alleen organisaties uit het consortium."))

    def terms_data(self) -> dict:
        """The entered terms as the template's validate_terms expects them."""
        out: dict = {}
        for field_name, term, key in self.term_fields:
            value = getattr(self, field_name).data
            if key is None:
                out[term.name] = value
            else:
                out.setdefault(term.name, {})[key] = value
        return out

    def apply_terms_errors(self, error: TermsError) -> None:
        """Put each message on the field the user sees: the field of its term path, or, for a message on a
        whole keyed term ("max_new" rather than "max_new.2025-2026"), the term's first field. The user never
        reads an internal term name; a path that names no term goes on the title without it."""
        by_path = {(term.name if key is None else f"{term.name}.{key}"): name for name, term, key in self.term_fields}
        first_of_term: dict[str, str] = {}
        for name, term, _key in self.term_fields:
            first_of_term.setdefault(term.name, name)
        for path, message in error.errors.items():
            sentence = message[0].upper() + message[1:] + ("" if message.endswith(".") else ".")
            field_name = by_path.get(path) or first_of_term.get(path.split(".", 1)[0])
            (getattr(self, field_name) if field_name is not None else self.title).errors.append(sentence)

    def fill_terms(self, terms: dict) -> None:
        for field_name, term, key in self.term_fields:
            value = (terms or {}).get(term.name)
            if key is not None:
                value = (value or {}).get(key)
            if value is None:
                continue
            field = getattr(self, field_name)
            if term.kind == "boolean":
                field.data = bool(value)
            elif term.kind == "decimal":
                field.data = str(value).replace(".", ",")  # Dutch decimal comma; parsed back by the term
            else:
                field.data = str(value)


def agreement_form_class(template: AgreementTemplate) -> type[AgreementFormBase]:
    """A form class with one field per term (and per key of a keyed term)."""
    fields: dict = {}
    term_fields = []
    for t_index, term in enumerate(template.terms):
        for k_index, key in enumerate(term.keys or (None,)):
            name = f"term_{t_index}_{k_index}"
            label = term.label if key is None else f"{term.label} ({key})"
            if term.unit and term.kind != "boolean":
                label = _("%(label)s, in %(unit)s", label=label, unit=term.unit)
            if not term.required and term.kind != "boolean":
                label = _("%(label)s (niet verplicht)", label=label)
            if term.kind == "boolean":
                field = BooleanField(label)
            elif term.kind == "text":
                field = TextAreaField(label, render_kw={"rows": 3})
            else:
                kw = {"integer": {"inputmode": "numeric"}, "decimal": {"inputmode": "decimal"},
                      "date": {"type": "date"}}[term.kind]
                field = StringField(label, render_kw=kw)
            fields[name] = field
            term_fields.append((name, term, key))
    fields["term_fields"] = term_fields
    return type(f"AgreementForm_{template.key.replace('-', '_')}", (AgreementFormBase,), fields)


class SignForm(DutchForm):
    fingerprint = HiddenField(validators=[DataRequired(_l("De vingerafdruk van de versie ontbreekt."))])
    organisation = SelectField(_l("Ondertekenen namens"), coerce=int, validate_choice=False,
                               validators=[DataRequired(_l("Kies de organisatie waarvoor u ondertekent."))])
    agree = BooleanField(_l("Ik heb deze versie gelezen en onderteken haar namens de gekozen organisatie"),
                         validators=[DataRequired(_l("Bevestig dat u deze versie hebt gelezen en ondertekent."))])
    password = PasswordField(_l("Uw wachtwoord of de code uit uw authenticator-app, ter bevestiging"), validators=[
        DataRequired(_l("Vul uw wachtwoord of de code in om de ondertekening te bevestigen."))],
        render_kw={"autocomplete": "off"})


class WithdrawForm(DutchForm):
    organisation = HiddenField(validators=[DataRequired(_l("De organisatie ontbreekt."))])


class ActionForm(DutchForm):
    """Send for signing or end: CSRF plus the fingerprint of the version the user saw."""

    basis = HiddenField()


class VerifyForm(DutchForm):
    class Meta:
        csrf = False

    vingerafdruk = StringField(_l("Vingerafdruk (SHA-256, 64 tekens)"), validators=[
        DataRequired(_l("Vul een vingerafdruk in.")),
        Length(min=64, max=64, message=_l("Een vingerafdruk heeft precies 64 tekens (0-9 en a-f)."))])
