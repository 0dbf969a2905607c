"""CSV exports streamed as they are read: one query whose rows arrive in batches (a server-side cursor on
PostgreSQL), written out a chunk of text at a time. Memory stays flat and the first byte leaves at once,
however long the history; LIMIT/OFFSET batches would sort everything again for every batch."""
import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from sqlalchemy import Select
from sqlalchemy.orm import Session

# Excel opens a UTF-8 file as the local code page unless it starts with a byte order mark.
BOM = "\ufeff"
ROWS_PER_CHUNK = 500


def cell(text: str) -> str:
    """A cell starting with = + - @ (or a tab or carriage return) is a formula to a spreadsheet: names,
    addresses and titles are not ours to trust."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def batches(session: Session, query: Select, size: int) -> Iterator[list]:
    """The query's ORM objects, `size` at a time, from one execution read as it goes."""
    yield from session.scalars(query.execution_options(yield_per=size)).partitions()


def row_batches(session: Session, query: Select, size: int) -> Iterator[list]:
    """The query's rows as plain tuples (no ORM objects), `size` at a time, from one execution read as it goes."""
    yield from session.execute(query.execution_options(yield_per=size)).partitions()


def csv_text(header: Sequence, rows: Iterable[Sequence]) -> Iterator[str]:
    """The file's text: the byte order mark and header first (sent before any row is read), then the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(header)
    yield BOM + flush()
    pending = 0
    for row in rows:
        writer.writerow(row)
        pending += 1
        if pending >= ROWS_PER_CHUNK:
            yield flush()
            pending = 0
    if pending:
        yield flush()
