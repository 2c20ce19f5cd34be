"""JSON API for 数据与年报 (mounted at /api/v1/reports)."""

from ninja import Router

router = Router(tags=["reports"])
