"""A brand's journey settings: after how many quiet days a customer counts as silent."""
from sqlalchemy.exc import IntegrityError

from mall.journeys.models import JourneySettings

DEFAULT_SILENT_DAYS = 30


def journey_settings_for(session, brand_id: int) -> JourneySettings:
    """The brand's row, made with the defaults on first use (two first uses at once make one row)."""
    row = session.get(JourneySettings, brand_id)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = JourneySettings(brand_id=brand_id, silent_days=DEFAULT_SILENT_DAYS)
            session.add(row)
        return row
    except IntegrityError:
        return session.get(JourneySettings, brand_id, populate_existing=True)
