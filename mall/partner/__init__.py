"""The partner, guide and store-manager dashboards: the read side of referral and commission."""
