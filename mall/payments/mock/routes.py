from flask import Blueprint

bp = Blueprint("mockpay", __name__)
