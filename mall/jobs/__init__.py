"""Jobs run by `flask mall …`: each owns its transactions, one per item it processes.

The domain services they call never commit; a job commits after each item (through mall.unit_of_work, so
the item's outbox rows are delivered at once), and a failed item is rolled back alone.
"""
