"""The texts a worker agrees to for sensitive personal information, and their version."""

from django.utils.translation import gettext as _

from .models import ConsentPurpose

CONSENT_TEXT_VERSION = "2026-11"


def consent_text(purpose: str) -> str:
    """What the worker agrees to for ``purpose`` (current version)."""
    texts = {
        ConsentPurpose.SENSITIVE_ID: _(
            "我同意工会处理我的身份证件号码，仅用于核实身份、办理困难帮扶、免费体检等需要实名的"
            "服务。撤回后，需要实名的服务（如帮扶申请、健康体检）将无法在线申请，可到所属工会"
            "现场办理；撤回前已用于办结事项的信息，将按法律规定的期限保存。"
        ),
        ConsentPurpose.INCOME: _(
            "我同意工会处理我的收入情况，仅用于困难职工认定和帮扶救助的审核。撤回后，需要收入"
            "核实的帮扶申请将无法在线提交；撤回前已用于办结事项的信息，将按法律规定的期限保存。"
        ),
        ConsentPurpose.HEALTH: _(
            "我同意工会处理我的健康信息，仅用于免费体检、医疗互助和疾病帮扶。撤回后，相关服务"
            "将无法在线申请，已登记的体检结果不再用于新的服务；撤回前已用于办结事项的信息，"
            "将按法律规定的期限保存。"
        ),
    }
    return texts[purpose]
