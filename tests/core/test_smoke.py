from core.testing import login, make_user


def test_coordinator_sees_region_with_plugin_navigation(app, client):
    make_user(app, "coord@example.nl", org="MC19", role="admin")
    assert login(client, "coord@example.nl").status_code == 302
    page = client.get("/regio/rmc-19/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Utrecht" in html
    assert "/regio/rmc-19/vsv/" in html
    assert "/regio/rmc-19/hello/" in html
    assert client.get("/regio/rmc-29/").status_code == 404
