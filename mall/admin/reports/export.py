"""A report as CSV: the same rows as the page, amounts in yuan, labels guarded against formulas."""
import csv
import io

from flask_babel import gettext as _

from mall.admin.reports.queries import Report
from mall.money import yuan

# Excel opens a UTF-8 file as the local code page unless it starts with a byte order mark.
BOM = "\ufeff"


def _cell(text: str) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet: store and partner names are not ours to trust.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def report_csv(report: Report, dimension_label: str, none_label: str) -> str:
    """The whole report (it is already aggregated: one row per day, store, guide, sharer or channel)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([dimension_label, _("Orders"), _("GMV (yuan)"), _("Average order value (yuan)"),
                     _("Commission (yuan)")])
    for row in report.rows:
        writer.writerow([_cell(row.label or none_label), row.orders, yuan(row.gmv_fen), yuan(row.aov_fen),
                         yuan(row.commission_fen)])
    total = report.total
    writer.writerow([_("Total"), total.orders, yuan(total.gmv_fen), yuan(total.aov_fen), yuan(total.commission_fen)])
    return BOM + buffer.getvalue()
