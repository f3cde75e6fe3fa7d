"""Drafting the samenwerkingsovereenkomst (cooperation agreement) from an application: in the concept, for the
partners to confirm their pledges by signing it (again after a pledge changed), or from a granted application."""
from __future__ import annotations

from flask import abort, flash, redirect

from core.plugin_api import _, agreement_url, current_region, current_user, db_session, draft_agreement, ngettext

from .. import agreement as cooperation
from ..access import load_application, require
from ..forms import DraftAgreementForm
from ..agreement import pledges_changed
from ..rules import CONCEPT, STATUS_LABELS
from . import bp
from .common import figures, _show, _lock, may_draft_agreement, _consortium_ids


@bp.route("/<int:rif_application_id>/overeenkomst", methods=["POST"])
def draft_cooperation(rif_application_id):
    application = load_application(rif_application_id)
    require(may_draft_agreement(current_user, application))
    if not DraftAgreementForm().validate_on_submit():
        abort(400)
    _lock(application)  # one agreement per application, even when the button is pressed twice
    region = current_region()
    if application.status not in cooperation.AGREEMENT_STATES:
        return _show(application, problems=[
            _("Alleen een concept of een toegekende aanvraag wordt een samenwerkingsovereenkomst; deze aanvraag "
              "heeft de status '%(status)s'.", status=STATUS_LABELS[application.status])], status=409)
    if not application.partners:
        return _show(application, problems=[_("Voeg eerst de partners en hun toezeggingen toe.")], status=409)
    redraft = application.status == CONCEPT and pledges_changed(application, _consortium_ids(region))  # a changed pledge: a new version
    if application.agreement is not None and application.agreement.status != cooperation.ENDED and not redraft:
        return _show(application, problems=[
            _("Aanvraag %(reference)s heeft al een samenwerkingsovereenkomst (%(status)s).",
              reference=application.reference, status=application.agreement.status_label)], status=409)
    parties, left_out = cooperation.split_parties(application, _consortium_ids(region))
    if application.organisation not in parties:
        return _show(application, problems=[
            _("De penvoerder %(organisation)s (%(identifier)s) is geen lid van het consortium Regionaal "
              "Investeringsfonds mbo van regio %(region)s. De coördinator van de regio kan haar toevoegen; daarna "
              "kan de overeenkomst worden opgesteld.", organisation=application.organisation.name,
              identifier=application.organisation.identifier, region=region.name)], status=409)
    money = figures(application)
    try:
        made = draft_agreement(region, "rif", cooperation.TEMPLATE_KEY, terms=cooperation.terms_of(application, money),
                               parties=parties, title=cooperation.title_of(application),
                               text=cooperation.text_of(application, money, parties), user=current_user)
    except ValueError as exc:
        db_session().rollback()
        return _show(load_application(rif_application_id), problems=[str(exc)], status=400)
    application.agreement_id = made.id
    db_session().commit()
    drafted = ngettext("De samenwerkingsovereenkomst voor %(reference)s is als concept opgesteld, met %(num)d partij. "
                       "De coördinator van de regio verstuurt haar ter ondertekening.",
                       "De samenwerkingsovereenkomst voor %(reference)s is als concept opgesteld, met %(num)d "
                       "partijen. De coördinator van de regio verstuurt haar ter ondertekening.",
                       len(parties), reference=application.reference)
    if left_out:
        drafted += " " + _("Niet in het consortium, en dus geen partij: %(organisations)s.",
                           organisations=", ".join(f"{o.name} ({o.identifier})" for o in left_out))
    flash(drafted)
    return redirect(agreement_url("rif", made.id), 303)
