"""JSON API for 评选表彰 (mounted at /api/v1/honors)."""

from ninja import Router

router = Router(tags=["honors"])
