"""JSON API for the free health checks (mounted at /api/v1/health)."""

from ninja import Router

router = Router(tags=["health"])
