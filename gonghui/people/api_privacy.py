"""Worker API for 个人信息: consents, own-data export and the deletion request."""

from datetime import datetime

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema

from gonghui.core.api import ApiError

from . import my_data, privacy
from .api import ErrorOut, _worker_account, me_router
from .models import Worker


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


def _export(request):
    try:
        return my_data.export_of(_worker_account(request), request=request)
    except Worker.DoesNotExist:
        raise ApiError(404, _("尚未关联职工档案，请先完成实名登记")) from None


@me_router.get("/me/export", response={200: dict, 403: ErrorOut, 404: ErrorOut})
def export(request):
    """All data held about the caller (their own 身份证号 and phone in full); audited."""
    return _export(request)


@me_router.get("/me/export.xlsx", response={403: ErrorOut, 404: ErrorOut})
def export_xlsx(request):
    """The same as ``/me/export`` as an Excel file, one sheet per section; audited."""
    response = HttpResponse(
        my_data.xlsx_bytes(_export(request)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''my-data.xlsx"
    return response
