"""How an employer is compared (one home: the hotline's duplicate suggestions and the
governance 欠薪预警 scan both read it)."""

import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+")


def normalise_name(name: str) -> str:
    """An employer name as compared: full-width forms folded (NFKC), case folded, spaces and
    punctuation removed — "某某物流（北京）有限公司" and "某某物流(北京)有限公司 " agree."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", name or "").casefold())
