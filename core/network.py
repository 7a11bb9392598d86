"""Where a request comes from, behind the bureau's reverse proxy."""

from django.conf import settings


def client_ip(request) -> str:
    """The client's address. The proxies in front of the portal (``settings.TRUSTED_PROXY_COUNT`` of them) each
    append the address they were reached from to X-Forwarded-For, so the client is the entry that many places from
    the right; whatever stands further left the client wrote itself and proves nothing. With no trusted proxy (the
    default) the header is ignored and the peer's address (REMOTE_ADDR) is the client's."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded_for = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded_for = [entry for entry in forwarded_for if entry]
    if proxies <= 0 or not forwarded_for:
        return remote_addr
    return forwarded_for[-min(proxies, len(forwarded_for))]
