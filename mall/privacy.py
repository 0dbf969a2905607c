"""How customers appear to anyone but themselves (PIPL): masked phone, first character of a name."""


def mask_phone(phone: str | None) -> str:
    digits = (phone or "").strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        return "*"
    return name[0] + "**"
