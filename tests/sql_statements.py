"""The SQL statements a piece of work sends, as the driver gets them: for tests that bound or inspect them."""
from sqlalchemy import event


def statements(db, work) -> list[tuple[str, object]]:
    """(statement, parameters) of everything `work()` executes on the app's engine, in order."""
    seen: list[tuple[str, object]] = []
    listener = lambda *args: seen.append((args[2], args[3]))  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        work()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return seen


def sql_of(db, work) -> list[str]:
    """Just the statements' text."""
    return [sql for sql, _ in statements(db, work)]
