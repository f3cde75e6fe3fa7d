from core.testing import login, make_user
from tests.core.instruments import enabled_in


def test_coordinator_sees_region_with_plugin_navigation(app, client):
    make_user(app, "coord@example.nl", org="MC19", role="admin")
    assert login(client, "coord@example.nl").status_code == 302
    page = client.get("/regio/rmc-19/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Utrecht" in html
    for key in enabled_in(app, "rmc-19"):  # every enabled instrument with pages is linked
        if app.extensions["regioplatform"].entries[key].blueprint is not None:
            assert f"/regio/rmc-19/{key}/" in html
    assert client.get("/regio/rmc-29/").status_code == 404
