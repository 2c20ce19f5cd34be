"""Worker API for 个人信息: consents, own-data export and the deletion request."""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Schema, Status

from gonghui.core.api import ApiError, ErrorOut, file_download
from gonghui.core.excel import XLSX, xlsx_response

from . import deletion, my_data, privacy
from .api import _worker_account, me_router
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


@me_router.get(
    "/me/export.xlsx", response={403: ErrorOut, 404: ErrorOut}, openapi_extra=file_download(XLSX)
)
def export_xlsx(request):
    """The same as ``/me/export`` as an Excel file, one sheet per section; audited."""
    return xlsx_response(my_data.xlsx_bytes(_export(request)), "my-data.xlsx")


class DeletionIn(Schema):
    reason: str = Field("", max_length=500, description="申请理由（可不填）")


class DeletionOut(Schema):
    id: int
    status: str
    created_at: datetime
    detail: str


@me_router.post(
    "/me/deletion-request",
    response={201: DeletionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def deletion_request(request, payload: DeletionIn):
    """Ask the union to delete the caller's personal information (one open request)."""
    try:
        req = deletion.request_deletion(_worker_account(request), payload.reason, request=request)
    except Worker.DoesNotExist:
        raise ApiError(404, _("尚未关联职工档案，请先完成实名登记")) from None
    detail = _(
        "已收到您的删除申请。所属工会核实后将删除可识别您身份的信息；法律规定需保存的办结记录"
        "和不含身份信息的统计数据将予以保留。"
    )
    return Status(
        201, {"id": req.pk, "status": req.status, "created_at": req.created_at, "detail": detail}
    )
