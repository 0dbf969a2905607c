"""Jinja filters and globals: money, masking and labels are formatted only here, at the edge."""
from flask import Flask, request
from flask_babel import format_datetime, format_timedelta, get_locale
from flask_babel import lazy_gettext as _l

from mall.clock import utcnow
from mall.money import format_fen
from mall.privacy import mask_name, mask_phone
from mall.urls import public_url

STATUS_LABELS = {
    "pending_payment": _l("Awaiting payment"),
    "paid": _l("Paid"),
    "shipped": _l("Shipped"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
    "refunded": _l("Refunded"),
    "requested": _l("Refund requested"),
    "approved": _l("Refund in progress"),  # approved, waiting for the payment provider
    "rejected": _l("Refund rejected"),
}


def register(app: Flask) -> None:
    app.jinja_env.filters["money"] = lambda fen: format_fen(fen, locale_code())
    app.jinja_env.filters["mask_name"] = mask_name
    app.jinja_env.filters["mask_phone"] = mask_phone
    app.jinja_env.filters["ago"] = lambda when: format_timedelta(when - utcnow(), add_direction=True)
    app.jinja_env.filters["datetime"] = lambda when: format_datetime(when, "short") if when else ""
    app.jinja_env.filters["status_label"] = lambda status: STATUS_LABELS.get(status, status)
    # Absolute URLs in pages (Open Graph tags) come from PUBLIC_BASE_URL, never from the Host header.
    app.jinja_env.globals["public_url"] = public_url

    app.jinja_env.filters["parens"] = lambda text: f"（{text}）" if locale_code() == "zh_CN" else f"({text})"

    @app.context_processor
    def globals_():
        # Chinese text takes full-width punctuation (：，), English the ASCII kind with a space after.
        zh = locale_code() == "zh_CN"
        return {"current_locale": locale_code(), "request_path": request.full_path.rstrip("?"),
                "colon": "：" if zh else ": ", "comma": "，" if zh else ", ",
                "semicolon": "；" if zh else "; "}


def locale_code() -> str:
    """'zh_CN' or 'en': Babel spells Chinese 'zh_Hans_CN', our config and cookies say 'zh_CN'."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh_CN"
