"""JSON rendered with orjson (the serialisers already give strings for decimals and times)."""

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
