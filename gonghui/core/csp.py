"""Content-Security-Policy helpers (the policy itself is ``settings.SECURE_CSP``, D17)."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.csp import CSP


def origin(url_template: str) -> str:
    """``https://{s}.tile.example.org/{z}/{x}/{y}.png`` -> ``https://*.tile.example.org``."""
    parts = urlsplit(url_template or "")
    host = re.sub(r"^\{[a-z]+\}\.", "*.", parts.netloc)
    return f"{parts.scheme}://{host}" if parts.scheme in ("http", "https") and host else ""


def allow_map_tiles(response):
    """The station finder's policy: ``SECURE_CSP`` plus the origin of ``MAP_TILE_URL`` in
    img-src (read per request, so the page follows the setting)."""
    config = dict(settings.SECURE_CSP)
    tiles = origin(settings.MAP_TILE_URL)
    if tiles:
        config["img-src"] = [*config.get("img-src", [CSP.SELF]), tiles]
    response._csp_config = config
    return response
