"""JSON API for service projects (mounted at /api/v1/services)."""

from ninja import Router

router = Router(tags=["services"])
