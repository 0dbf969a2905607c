"""Invite links (邀约) for the share centre: each room a partner can invite to, with copy button and QR.

The share centre belongs to referral, which sits below live and must not import it: this module offers the
links to its template as a Jinja global, and the template shows the section when the global is there.
"""
from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from mall.extensions import db
from mall.live.models import RoomState
from mall.live.queries import rooms_a_partner_can_invite_to
from mall.referral.qr import svg_inline
from mall.referral.share_links import ShareLink
from mall.urls import public_url


def invite_links(session, partner) -> list[ShareLink]:
    """One link per live or scheduled room of the partner's brand, carrying the partner's code."""
    links = []
    for room in rooms_a_partner_can_invite_to(session, partner):
        label = str(_l("Live now: %(title)s", title=room.title) if room.state == RoomState.LIVE else room.title)
        args = dict(code=room.code, partner_code=partner.code)
        url = public_url("live.invite", **args)
        links.append(ShareLink(key=f"l-{room.code}", label=label, path=url_for("live.invite", **args), url=url,
                               qr=svg_inline(url, title=label)))
    return links


def register(app: Flask) -> None:
    app.jinja_env.globals["live_invite_links"] = lambda partner: invite_links(db.session, partner)
