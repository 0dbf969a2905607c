"""Calendar days as people see them (the shop's time zone) against naive-UTC timestamps in the database.

A partner in Shanghai who earned something at 01:00 local time earned it "today", although the
ledger row says 17:00 yesterday (UTC); every per-day figure goes through these conversions.
"""
from datetime import UTC, date, datetime, time, timedelta, tzinfo


def local_date(moment: datetime, tz: tzinfo) -> date:
    """The local calendar day of a naive-UTC moment."""
    return moment.replace(tzinfo=UTC).astimezone(tz).date()


def day_start_utc(day: date, tz: tzinfo) -> datetime:
    """Local midnight at the start of `day`, as naive UTC (for comparisons with stored timestamps)."""
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC).replace(tzinfo=None)


def day_range_utc(first: date | None, last: date | None, tz: tzinfo) -> tuple[datetime | None, datetime | None]:
    """[start, end) in naive UTC covering the local days first..last inclusive; None leaves a side open."""
    start = day_start_utc(first, tz) if first else None
    end = day_start_utc(last + timedelta(days=1), tz) if last else None
    return start, end
