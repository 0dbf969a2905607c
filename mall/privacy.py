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


def first_name(name: str | None) -> str:
    """How a guide's message greets a customer: the given name only ("王小明" -> "小明", "Anna Li" -> "Anna")."""
    name = (name or "").strip()
    if " " in name:
        return name.split()[0]
    return name[1:] if len(name) >= 2 else name
