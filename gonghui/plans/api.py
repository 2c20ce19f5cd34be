"""JSON API for 年度职工服务清单 (mounted at /api/v1/plans)."""

from ninja import Router

router = Router(tags=["plans"])
