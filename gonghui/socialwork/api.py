"""JSON API for 工会社会工作者 (mounted at /api/v1/socialwork)."""

from ninja import Router

router = Router(tags=["socialwork"])
