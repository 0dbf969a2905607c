"""The withdrawal queue: partners' requests to be paid, approved, rejected, paid out or marked failed."""
