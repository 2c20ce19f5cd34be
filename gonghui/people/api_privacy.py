"""Worker API for 个人信息: consents, own-data export and the deletion request."""

from datetime import datetime

from ninja import Field, Schema

from . import privacy
from .api import ErrorOut, _worker_account, me_router


class ConsentOut(Schema):
    purpose: str
    purpose_name: str
    text: str
    version: str
    granted: bool
    granted_version: str | None = None
    granted_at: datetime | None = None
    withdrawn_at: datetime | None = None


class ConsentIn(Schema):
    purpose: str = Field(..., max_length=30, description="sensitive_id / income / health")
    grant: bool = Field(..., description="true 同意，false 撤回")


@me_router.get("/me/consents", response={200: list[ConsentOut], 403: ErrorOut})
def consents(request):
    """Each sensitive-information consent: its text, version and the caller's state."""
    return privacy.consents_of(_worker_account(request))


@me_router.post("/me/consents", response={200: list[ConsentOut], 400: ErrorOut, 403: ErrorOut})
def set_consent(request, payload: ConsentIn):
    """Grant (``grant: true``) or withdraw (``grant: false``) one consent."""
    account = _worker_account(request)
    if payload.grant:
        privacy.grant_consent(account, payload.purpose, request=request)
    else:
        privacy.withdraw_consent(account, payload.purpose, request=request)
    return privacy.consents_of(account)
