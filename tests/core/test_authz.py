"""The one authorization function and scoping helper, unit by unit, through real users and rows."""
from __future__ import annotations

from sqlalchemy import select

from core.authz import Decision, decide, scoped
from core.db import db_session
from core.identity.models import User
from core.orgs.models import Organisation
from core.regions.models import Region
from core.testing import make_user
from tests.plugins.hello.models import Greeting


def _ids(app):
    with app.app_context():
        s = db_session()
        orgs = {o.identifier: o.id for o in s.scalars(select(Organisation))}
        regions = {r.slug: r.id for r in s.scalars(select(Region))}
        return orgs, regions


def _greeting(app, region, org):
    orgs, regions = _ids(app)
    with app.app_context():
        g = Greeting(region_id=regions[region], organisation_id=orgs[org], text="Hoi")
        db_session().add(g)
        db_session().commit()
        return g.id


def _decide(app, email, action, greeting_id):
    with app.test_request_context():
        s = db_session()
        user = s.scalar(select(User).where(User.email == email))
        return decide(user, action, s.get(Greeting, greeting_id))


def _visible(app, email, action):
    with app.test_request_context():
        s = db_session()
        user = s.scalar(select(User).where(User.email == email))
        return {g.organisation_id for g in s.scalars(scoped(select(Greeting), action, user=user))}


def test_region_wide_permission_lets_the_coordinating_organisation_act_for_every_member(app):
    utrecht_gm = _greeting(app, "rmc-19", "GM0344")
    rotterdam_gm = _greeting(app, "rmc-29", "GM0599")
    make_user(app, "rmc-editor@utrecht.example", org="MC19", role="editor")
    make_user(app, "rmc-viewer@utrecht.example", org="MC19", role="viewer")
    make_user(app, "nieuwegein@utrecht.example", org="GM0356", role="editor")

    # The RMC's editor moderates the municipality's greeting (hello.moderate is region-wide) ...
    assert _decide(app, "rmc-editor@utrecht.example", "hello.moderate", utrecht_gm) is Decision.ALLOW
    # ... but a plain per-organisation permission does not reach another organisation's row,
    assert _decide(app, "rmc-editor@utrecht.example", "hello.post", utrecht_gm) is Decision.NOT_FOUND
    # a role without the permission does not get it region-wide,
    assert _decide(app, "rmc-viewer@utrecht.example", "hello.moderate", utrecht_gm) is Decision.NOT_FOUND
    # another municipality of the same region is not a coordinating organisation,
    assert _decide(app, "nieuwegein@utrecht.example", "hello.moderate", utrecht_gm) is Decision.NOT_FOUND
    # and the reach stops at the region's border.
    assert _decide(app, "rmc-editor@utrecht.example", "hello.moderate", rotterdam_gm) is Decision.NOT_FOUND

    orgs, _ = _ids(app)
    assert _visible(app, "rmc-editor@utrecht.example", "hello.moderate") == {orgs["GM0344"]}
    assert _visible(app, "rmc-editor@utrecht.example", "hello.post") == set()
    assert _visible(app, "nieuwegein@utrecht.example", "hello.moderate") == set()


def test_coordinator_reads_every_member_but_writes_only_region_wide_actions(app):
    greeting = _greeting(app, "rmc-19", "GM0344")
    make_user(app, "coord@utrecht.example", org="MC19", role="admin")
    assert _decide(app, "coord@utrecht.example", "hello.view", greeting) is Decision.ALLOW
    assert _decide(app, "coord@utrecht.example", "hello.post", greeting) is Decision.FORBIDDEN
    assert _decide(app, "coord@utrecht.example", "hello.moderate", greeting) is Decision.ALLOW
