"""hello's part of the route matrix (protocol: tests/plugin_matrix.py): a greeting in every fixture region."""
from __future__ import annotations

KEY = "hello"
REGIONS = {"rmc-19": {"enabled": True}, "rmc-29": {"enabled": True}}  # not rmc-12: the matrix checks the 404 there
OWNER_IN = {"rmc-19": "GM0344", "rmc-29": "GM0599", "rmc-12": "MC12"}


def build_world(session, world, regions) -> None:
    """A greeting of an organisation per region (in rmc-12, where hello is disabled, too)."""
    from tests.plugins.hello.models import Greeting

    greetings = world.of(KEY).setdefault("greeting", {})
    for slug, owner in OWNER_IN.items():
        greeting = Greeting(region_id=regions[slug], organisation_id=world.orgs[owner], text=f"Groet uit {slug}",
                            school_year="2025-2026")
        session.add(greeting)
        session.flush()
        greetings[slug] = greeting.id


ARG_BUILDERS = {
    "greeting_id": lambda w, region, rule: w.of(KEY)["greeting"].get(region, w.of(KEY)["greeting"]["rmc-19"]),
}
POST_PAYLOADS = {
    "regio.hello.new": lambda w, who, rule: {"organisation": w.org_of(who), "text": "Goedendag"},
}
