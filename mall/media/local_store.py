"""Media in a folder on this host (the instance folder): the embedded default for a laptop or a single host."""
import os
import tempfile

from mall.media.images import NAME_RE
from mall.media.store import StoredMedia


def upload_folder(instance_path: str) -> str:
    """The folder uploads always went to, so rows from before content-hashed names keep their files."""
    return os.path.join(instance_path, "uploads")


class LocalStore:
    def __init__(self, folder: str):
        self.folder = folder

    def put(self, name: str, data: bytes, content_type: str) -> bool:
        path = self._path(name)
        if os.path.exists(path):
            return False
        os.makedirs(self.folder, exist_ok=True)
        # Written aside and renamed into place, so a reader never sees half a file; two hosts or workers writing
        # the same name write the same bytes, so whichever rename wins is right.
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
        return True

    def get(self, name: str) -> StoredMedia | None:
        try:
            stream = open(self._path(name), "rb")  # the route closes it once sent
        except (ValueError, FileNotFoundError, IsADirectoryError):
            return None
        return StoredMedia(stream=stream, size=os.fstat(stream.fileno()).st_size)

    def exists(self, name: str) -> bool:
        try:
            return os.path.isfile(self._path(name))
        except ValueError:
            return False

    def _path(self, name: str) -> str:
        # Only names we hand out ever become a path: no separators, no dots but the extension's.
        if not NAME_RE.match(name):
            raise ValueError(f"not a media name: {name!r}")
        return os.path.join(self.folder, name)
