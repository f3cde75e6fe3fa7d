"""Trusted reverse proxies: the client's address and scheme from X-Forwarded-* only when configured.

TRUSTED_PROXY_HOPS is the number of proxies in front of the app (nginx: 1;
a load balancer before nginx: 2). With it, werkzeug's ProxyFix takes the
client's address, scheme and host from that many trusted entries of
X-Forwarded-For/-Proto/-Host (counted from the right, so a value a client
writes itself is never taken). With 0 (the default) the headers are
ignored: sign-in throttling and sessions see the connection's own address.
"""
from __future__ import annotations

from werkzeug.middleware.proxy_fix import ProxyFix


def install(app) -> None:
    """Wrap the app's WSGI callable in ProxyFix when TRUSTED_PROXY_HOPS is above 0."""
    hops = int(app.config.get("TRUSTED_PROXY_HOPS", 0))
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
