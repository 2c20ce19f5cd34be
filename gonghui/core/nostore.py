"""``Cache-Control: no-store`` on every response whose request wrote an audit row.

Reveals of full ID/phone numbers, a worker's own data export and file downloads all go through
``audit.record(request=...)``, which marks the request; this middleware then forbids any cache
(browser, proxy, back button) from keeping the response. One rule, so a new reveal flow is
covered by being audited.
"""

NO_STORE = "private, no-store"


class NoStoreAuditedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "audited", False):
            response["Cache-Control"] = NO_STORE
            if "Expires" in response:
                del response["Expires"]
        return response
