"""How personal data is shown when the viewer does not need the full value."""


def mask_id_number(value: str | None) -> str:
    """``110105199001011234`` -> ``110105********1234``."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """``13812345678`` -> ``138****5678``."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str:
    """``张三丰`` -> ``张**``: for lists shown to roles without a need to know."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)
