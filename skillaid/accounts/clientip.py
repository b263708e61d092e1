"""The client's address: the one place it is read, for lockouts, rate limits and the log.

Served directly, it is the connection's address. Behind reverse proxies, every request comes
from the proxy: SKILLAID_PROXY_COUNT says how many proxies of ours stand in front, each
appending the address it received from to X-Forwarded-For, so the client is that many
entries from the end. Entries before those were written by the client and are not believed.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.SKILLAID_PROXY_COUNT
    if proxies <= 0:
        return remote[:45]
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    return (hops[-proxies] if len(hops) >= proxies else remote)[:45]
