"""免费体检 (free health checks for new-employment-form workers): programmes, hospitals and their
days, district quotas, bookings. Part of the ``services`` app (same label, same tables); the
models live in ``services/models/health.py``."""
