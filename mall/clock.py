"""One notion of 'now': naive UTC, the same on SQLite and PostgreSQL. Services take `now` as an argument."""
from datetime import UTC, date, datetime, timedelta

# The shop's calendar day is China's (UTC+8 all year, no daylight saving time): daily limits, order numbers.
CHINA_OFFSET = timedelta(hours=8)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def china_day(now: datetime) -> date:
    """The calendar day in China at the naive-UTC moment `now`."""
    return (now + CHINA_OFFSET).date()


def china_day_start(now: datetime) -> datetime:
    """Midnight in China of `now`'s China day, as naive UTC."""
    return datetime.combine(china_day(now), datetime.min.time()) - CHINA_OFFSET
