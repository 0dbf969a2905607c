"""Orders: the list and its filters, one order (ship, complete, refunds, re-attribution), the CSV export."""
