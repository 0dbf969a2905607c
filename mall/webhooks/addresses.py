"""Which URLs the mall may call: http(s) only, and in production never a private or local address.

A brand's endpoint URL is the brand's text: without this check a webhook is a way to make our servers
call our own internal services (SSRF). The address is checked when the endpoint is saved and again at
every delivery, after resolving the name, because DNS can point a checked name elsewhere later.
"""
import ipaddress
import socket
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from mall.domain import DomainError


class UnsafeUrl(DomainError):
    message = _l("Please enter an http:// or https:// address on the public internet.")
    field = "url"


def check_url(url: str, *, allow_private: bool) -> str:
    """The URL if it may be called; raises UnsafeUrl."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise UnsafeUrl()
    try:
        port = parts.port
    except ValueError as exc:
        raise UnsafeUrl() from exc
    if not allow_private:
        for address in _addresses(parts.hostname, port or (443 if parts.scheme == "https" else 80)):
            if not address.is_global or address.is_multicast:
                raise UnsafeUrl(_l("This address is on a private network: webhooks only go to public addresses."))
    return url


def _addresses(host: str, port: int) -> list:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeUrl(_l("This host name cannot be found.")) from exc
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def private_allowed(config) -> bool:
    """Development and tests post to local receivers; production never to a private address."""
    return config.get("MALL_ENV") != "production"
