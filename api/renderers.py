"""JSON rendered with orjson (the serialisers already give strings for decimals and times), and NDJSON for the
exports: one JSON object a line."""

import orjson
from rest_framework.renderers import BaseRenderer
from rest_framework.utils.encoders import JSONEncoder

_encoder = JSONEncoder()


class OrjsonRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return orjson.dumps(data, default=_encoder.default, option=orjson.OPT_NON_STR_KEYS)


def ndjson_lines(rows) -> bytes:
    """``rows`` as NDJSON: each row one line of JSON, as the list renders it."""
    return b"".join(orjson.dumps(row, default=_encoder.default, option=orjson.OPT_NON_STR_KEYS) + b"\n" for row in rows)


class NdjsonRenderer(OrjsonRenderer):
    """Lets a client ask an export for ``Accept: application/x-ndjson``. The rows themselves are streamed by the
    view; what this renders is an error's body, as one line."""

    media_type = "application/x-ndjson"
    format = "ndjson"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return super().render(data) + b"\n"
