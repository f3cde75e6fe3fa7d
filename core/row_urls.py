"""`url_for` in templates, the same URLs, built once per shape for a table's rows.

A list page links every row (`url_for('.edit', vsv_figure_id=f.id)`): Flask's `url_for` costs about 15 µs
a call (the blueprint's URL defaults, werkzeug's rule look-up, quoting), a tenth of a page of a hundred rows.
The URLs of one endpoint with the same other arguments differ only in the ids: per request and shape (the
endpoint, the argument names in their order and every value that is not a whole number) the URL is built
once with stand-in numbers, split around them, and the row's numbers are put in (`str(n)`, what werkzeug's
int converter and a query string write). The split is checked against Flask's own URL for the first values;
a shape that does not come out the same (a converter that pads digits, a stand-in that appears twice, an
error) is built by Flask every time. Outside a request (e-mails in a job), with `_external`, `_anchor` and
the like, or without a whole-number argument, it is Flask's `url_for` as before.
"""
from __future__ import annotations

from flask import Flask, g, has_request_context

STAND_IN = 7_391_846_205_170  # + i for the i-th number: digits no real URL of this platform holds
_NOT_SPLIT = object()
_A_NUMBER = object()  # a whole number's place in a shape (not None: a None argument is a different shape)


def install(app: Flask) -> None:
    """Replace the `url_for` Jinja global of `app` (Flask's `app.url_for`) with `row_url_for(app.url_for)`."""
    app.jinja_env.globals["url_for"] = row_url_for(app.url_for)


def row_url_for(build):
    """`build` (Flask's `url_for`) with the URLs of a shape split once per request (see the module)."""

    def url_for(endpoint: str, **values) -> str:
        key = [endpoint]
        numbers = []
        for name, value in values.items():
            if type(value) is int:
                key.append(name)
                key.append(_A_NUMBER)
                numbers.append(name)
            elif name[:1] == "_":  # _external, _anchor, _method, _scheme
                return build(endpoint, **values)
            else:
                key.append(name)
                key.append(value)
        if not numbers or not has_request_context():
            return build(endpoint, **values)
        key = tuple(key)
        state = g._get_current_object()
        shapes = state.__dict__.get("_row_url_shapes")
        if shapes is None:
            shapes = state._row_url_shapes = {}
        try:
            split = shapes.get(key, _NOT_SPLIT)
        except TypeError:  # an unhashable value (a list for a query argument)
            return build(endpoint, **values)
        if split is _NOT_SPLIT:
            split = _split(build, endpoint, values, numbers)
            wanted = build(endpoint, **values)  # Flask's URL: the split must give exactly this
            if split is not None and _join(split, values) != wanted:
                split = None
            shapes[key] = split
            return wanted
        return build(endpoint, **values) if split is None else _join(split, values)

    return url_for


def _split(build, endpoint: str, values: dict, numbers: list[str]):
    """(the URL's parts around the numbers, the numbers' names in URL order), or None."""
    probe = dict(values)
    for i, name in enumerate(numbers):
        probe[name] = STAND_IN + i
    try:
        url = build(endpoint, **probe)
    except Exception:  # werkzeug refuses the stand-ins: Flask builds every URL of this shape
        return None
    found = []
    for name in numbers:
        text = str(probe[name])
        if url.count(text) != 1:
            return None
        found.append((url.index(text), name, len(text)))
    found.sort()
    parts, start = [], 0
    for position, _name, length in found:
        parts.append(url[start:position])
        start = position + length
    parts.append(url[start:])
    return parts, [name for _position, name, _length in found]


def _join(split, values: dict) -> str:
    parts, names = split
    out = parts[0]
    for name, part in zip(names, parts[1:]):
        out += str(values[name]) + part
    return out
