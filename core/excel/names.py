"""A municipality's name where its CBS code belongs: recognise it and say which code to use."""
from __future__ import annotations

from functools import cache
from typing import Any

from flask_babel import gettext as _

from core.excel.spec import normalise_header
from core.reference import municipalities


@cache
def _by_name() -> dict[str, tuple[str, str]]:
    index: dict[str, tuple[str, str]] = {}
    for code, municipality in municipalities().items():
        index[normalise_header(municipality.name)] = (code, municipality.name)
    return index


def municipality_hint(value: Any) -> str | None:
    """"gebruik de CBS-code (GM0363 voor Amsterdam)" when `value` is a known municipality's name, else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    key = normalise_header(text)
    if key.startswith("gemeente") and key[len("gemeente"):] in _by_name():
        key = key[len("gemeente"):]
    found = _by_name().get(key)
    if found is None:
        return None
    code, name = found
    return _("'%(value)s' is een gemeentenaam; gebruik de CBS-code (%(code)s voor %(name)s)", value=text[:60],
             code=code, name=name)
