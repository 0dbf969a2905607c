"""The media store protocol: what the upload service and the /media route need from wherever bytes live."""
from dataclasses import dataclass
from typing import BinaryIO, Protocol

# Names are content hashes (or old random names never reused), so what a name holds never changes.
CACHE_CONTROL = "public, max-age=31536000, immutable"


@dataclass
class StoredMedia:
    stream: BinaryIO  # read(n) and close(); the caller closes it
    size: int


class MediaStore(Protocol):
    def put(self, name: str, data: bytes, content_type: str) -> bool:
        """Keep data under name unless that name is already stored; True if it was written now."""
        ...

    def get(self, name: str) -> StoredMedia | None:
        """The stored bytes as a stream, or None if nothing is stored under name."""
        ...

    def exists(self, name: str) -> bool:
        ...
