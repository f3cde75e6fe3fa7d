"""Templates' `url_for` builds a row's URL from the shape it built once per request: the URL must be Flask's own
for every id, query argument and special argument, and a shape with other arguments is another shape."""
from __future__ import annotations

from flask import url_for


def _rendered(app, source: str, **context) -> list[str]:
    """The rendered URLs, unescaped (a template string escapes `&`)."""
    return app.jinja_env.from_string(source).render(**context).replace("&amp;", "&").split()


def test_row_urls_are_flasks_own(app):
    template = ("{% for i in ids %}{{ url_for('auth.login', next=i) }} {{ url_for('auth.login', a=i, b=i + 1) }} "
                "{{ url_for('auth.login', next=i, page=none) }} {{ url_for('auth.login', next=i, page='x y') }} "
                "{{ url_for('auth.login', next=i, _anchor='r' ~ i) }} {{ url_for('auth.login', next=true) }} "
                "{% endfor %}")
    ids = [0, 1, 7, 10, 123456, 2**31 - 1, 2**40, -3, 7_391_846_205_170]
    with app.test_request_context("/"):
        expected = []
        for i in ids:
            expected += [url_for("auth.login", next=i), url_for("auth.login", a=i, b=i + 1),
                         url_for("auth.login", next=i, page=None), url_for("auth.login", next=i, page="x y"),
                         url_for("auth.login", next=i, _anchor=f"r{i}"), url_for("auth.login", next=True)]
        assert _rendered(app, template, ids=ids) == expected
        assert _rendered(app, template, ids=list(reversed(ids))) == [
            u for i in reversed(ids) for u in expected[ids.index(i) * 6:ids.index(i) * 6 + 6]]


def test_row_urls_on_a_region_page_carry_the_region_of_the_request(app):
    from flask import g

    with app.test_request_context("/regio/rmc-19/"):
        g.region_slug = "rmc-19"  # what the region blueprint's URL preprocessor takes from the path
        template = ("{% for i in [1, 2, 3] %}{{ url_for('regio.overview', n=i) }} "
                    "{{ url_for('regio.overview', region='rmc-29', n=i) }} {% endfor %}")
        expected = [u for i in (1, 2, 3) for u in (url_for("regio.overview", n=i),
                                                   url_for("regio.overview", region="rmc-29", n=i))]
        assert _rendered(app, template) == expected
        assert expected[:2] == ["/regio/rmc-19/?n=1", "/regio/rmc-29/?n=1"]
