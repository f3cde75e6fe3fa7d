"""Pages of the hello instrument: a list scoped to the user, one greeting, a form to add one."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from sqlalchemy import select

from core.plugin_api import (active_memberships, authorize, current_region, current_user, db_session,
                             instrument_settings, scoped)

from .forms import GreetingForm
from .models import Greeting

bp = Blueprint("hello", __name__, template_folder="templates")


@bp.route("/")
def index():
    region = authorize("hello.view", current_region())
    greetings = db_session().scalars(
        scoped(select(Greeting).where(Greeting.region_id == region.id), "hello.view").order_by(Greeting.id)
    ).all()
    return render_template("hello/index.html", region=region, greetings=greetings,
                           settings=instrument_settings(region))


@bp.route("/<int:greeting_id>")
def show(greeting_id):
    region = current_region()
    greeting = db_session().get(Greeting, greeting_id)
    if greeting is None or greeting.region_id != region.id:
        abort(404)
    authorize("hello.view", greeting)
    return render_template("hello/index.html", region=region, greetings=[greeting],
                           settings=instrument_settings(region))


@bp.route("/nieuw", methods=["GET", "POST"])
def new():
    region = authorize("hello.post", current_region())
    form = GreetingForm()
    form.organisation.choices = [(m.organisation_id, m.organisation.name) for m in active_memberships(current_user)]
    if form.validate_on_submit():
        greeting = Greeting(region_id=region.id, organisation_id=form.organisation.data, text=form.text.data)
        authorize("hello.post", greeting)
        db_session().add(greeting)
        db_session().commit()
        return redirect(url_for(".index"))
    return render_template("hello/new.html", form=form), 400 if form.errors else 200
