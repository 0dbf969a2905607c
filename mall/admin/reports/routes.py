"""The brand admin's reports: GMV, orders, average order value and commission per day, store, guide,
sharer and channel, as a bar chart, a table and a CSV file. The figures come from reports.queries."""
from dataclasses import replace
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, render_template, request
from flask_babel import get_timezone
from flask_babel import gettext as _

from mall.admin.access import admin_brand_id
from mall.admin.reports.export import report_csv
from mall.admin.reports.forms import DIMENSION_LABELS, ReportForm
from mall.admin.reports.queries import UNAVAILABLE, Report, sales_report
from mall.clock import utcnow
from mall.extensions import db
from mall.partner.chart import bar_chart
from mall.partner.days import local_date
from mall.partner.labels import label

bp = Blueprint("reports", __name__, url_prefix="/reports")
CHART_BARS = 31  # the chart shows the days, or the largest 31 stores, guides, sharers or channels
# The page lists the largest groups only: a year of a big brand has 100,000 sharers, the CSV has them all.
TABLE_ROWS = 200


@bp.get("")
def index():
    brand_id = admin_brand_id()
    form, report = _report(brand_id, top=TABLE_ROWS)
    chart = bar_chart([(row.label or _("None"), row.gmv_fen) for row in report.rows[:CHART_BARS]]) \
        if report.rows else None
    return render_template("admin/reports.html", form=form, report=report, chart=chart,
                           unavailable=report.dimension in UNAVAILABLE, dimension_label=DIMENSION_LABELS,
                           args=_args(report), tab="reports")


@bp.get("/export.csv")
def export():
    brand_id = admin_brand_id()
    _form, report = _report(brand_id)
    body = report_csv(report, str(DIMENSION_LABELS[report.dimension]), _("None"))
    filename = f"report-{report.dimension}-{report.first.isoformat()}-{report.last.isoformat()}.csv"
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _report(brand_id: int | None, top: int | None = None) -> tuple[ReportForm, Report]:
    tz = ZoneInfo(str(get_timezone()))
    form = ReportForm(request.args)
    dimension, first, last = form.chosen(local_date(utcnow(), tz))
    report = sales_report(db.session, brand_id, dimension, first, last, tz, top=top)
    if dimension == "channel":
        report = replace(report, rows=tuple(replace(row, label=str(label(row.key, "channel"))) for row in report.rows))
    return form, report


def _args(report: Report) -> dict:
    return {"dimension": report.dimension, "date_from": report.first.isoformat(), "date_to": report.last.isoformat()}
