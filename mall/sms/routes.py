"""The mock provider's inbox (/dev/sms): development only, so a tester can read the codes it "sent"."""
from flask import Blueprint, render_template
from sqlalchemy import select

from mall.extensions import db
from mall.sms.models import SmsMessage

bp = Blueprint("sms", __name__)
SHOWN = 50


@bp.get("/dev/sms")
def inbox():
    messages = db.session.scalars(select(SmsMessage).order_by(SmsMessage.id.desc()).limit(SHOWN)).all()
    return render_template("sms/inbox.html", messages=messages)
