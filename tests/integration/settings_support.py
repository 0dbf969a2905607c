"""Setting a brand's rules directly, each on the row of the domain that owns it (the admin form is tested elsewhere)."""
from mall.commission.models import CommissionSettings
from mall.commission.settings import settings_for
from mall.commission.withdrawal_settings import WithdrawalSettings, withdrawal_settings_for
from mall.orders.settings import OrderSettings, order_settings_for
from mall.referral.settings import ReferralSettings, referral_settings_for

# Each settings model with its domain's read function (defaults on first use).
DOMAINS = ((CommissionSettings, settings_for), (ReferralSettings, referral_settings_for),
           (OrderSettings, order_settings_for), (WithdrawalSettings, withdrawal_settings_for))


def set_rules(session, brand_id: int, **values) -> None:
    """Write each value to the domain whose table has that column; a name no domain has is a typo and fails."""
    for name, value in values.items():
        read = next((read for model, read in DOMAINS if name in model.__table__.columns), None)
        assert read is not None, f"no brand setting is called {name}"
        setattr(read(session, brand_id), name, value)
    session.commit()
