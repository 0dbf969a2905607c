"""The daily sales roll-up the admin reports read: kept current by order and commission event subscribers."""
