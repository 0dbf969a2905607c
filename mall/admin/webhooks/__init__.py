"""Webhooks in the brand admin: register endpoints and their events, read the delivery log, replay a delivery."""
