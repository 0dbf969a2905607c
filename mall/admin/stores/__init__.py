"""Stores: the brand's stores, their staff, posters and QR codes."""
