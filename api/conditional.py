"""ETag and conditional GET. The ETag is a hash of the response body as rendered (a strong validator: the same
bytes, the same tag), so a client that sends ``If-None-Match`` with it gets 304 and no body when nothing it would
receive has changed. It saves the transfer, not the query: the body is computed to be compared."""

import hashlib

from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers


def body_etag(content: bytes) -> str:
    return '"' + hashlib.blake2b(content, digest_size=16).hexdigest() + '"'


def conditional(request, response):
    """Tag a successful GET response; answer 304 when the client's If-None-Match matches. A streamed export is
    left untagged: its body is not there to hash."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
        return response
    response.render()
    response["ETag"] = body_etag(response.content)
    patch_vary_headers(response, ("Accept", "Authorization", "Cookie"))
    patch_cache_control(response, private=True, no_cache=True)
    return get_conditional_response(request, etag=response["ETag"], response=response)
