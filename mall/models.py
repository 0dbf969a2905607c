"""Every model, imported once so Flask-Migrate and the tests see the whole schema."""
from mall.accounts.api_tokens import ApiToken  # noqa: F401
from mall.accounts.models import User  # noqa: F401
from mall.api.models import IdempotencyRecord  # noqa: F401
from mall.audit.models import AuditLog  # noqa: F401
from mall.catalog.import_job import ImportJob  # noqa: F401
from mall.catalog.models import Brand, Product, ProductImage, Sku, Store  # noqa: F401
from mall.commission.models import (  # noqa: F401
                                    Account,
                                    CommissionSettings,
                                    CommissionShare,
                                    LedgerEntry,
                                    LedgerTransaction,
                                    OrderAttribution,
                                    ProductRatio,
                                    Withdrawal,
)
from mall.commission.withdrawal_settings import WithdrawalSettings  # noqa: F401
from mall.content.models import ContentEvent, ContentImage, ContentItem, ContentOrder  # noqa: F401
from mall.journeys.models import (  # noqa: F401
                                    JourneyCustomer,
                                    JourneyCustomerTag,
                                    JourneySettings,
                                    JourneyStateChange,
                                    JourneyTag,
                                    JourneyTagChange,
)
from mall.journeys.sop_models import (  # noqa: F401
                                    JourneyEnrolment,
                                    JourneySequence,
                                    JourneyStep,
                                    JourneyStepOrder,
                                    JourneyStepOutcome,
                                    JourneyStepTouch,
)
from mall.live.models import LiveOrder, LiveReminder, LiveRoom, LiveViewer, ShelfItem  # noqa: F401
from mall.orders.models import Order, OrderHistory, OrderLine, Refund, RefundItem  # noqa: F401
from mall.orders.settings import OrderSettings  # noqa: F401
from mall.outbox.models import OutboxEvent  # noqa: F401
from mall.payments.mock.models import MockCharge, MockEvent, MockRefund  # noqa: F401
from mall.payments.models import Payment, PaymentCallback  # noqa: F401
from mall.referral.models import Binding, Partner, Touch  # noqa: F401
from mall.referral.settings import ReferralSettings  # noqa: F401
from mall.reporting.models import DailySales, OrderSalesFact  # noqa: F401
from mall.sms.models import PhoneCode, SmsMessage  # noqa: F401
from mall.storefront.models import Storefront, StorefrontPick  # noqa: F401
from mall.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint  # noqa: F401
