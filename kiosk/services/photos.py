"""The counter's cache of project photos, named by SHA-256 as the centre's catalog names them."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_PHOTO_BYTES = 5 * 1024 * 1024  # the centre's own limit (kiosk_central.services.photos)


class PhotoCache:
    """Files ``<folder>/<sha256>``, readable by the kiosk's user only; a file is complete or absent.

    The name is the content's hash, so a file once here never needs fetching again and a corrupted download
    can never pass for a photo (it is checked before it is kept).
    """

    def __init__(self, folder: Path):
        self.folder = folder

    def path(self, sha256: str) -> Path:
        return self.folder / sha256

    def missing(self, entries: Iterable[str]) -> list[str]:
        """The hashes among ``entries`` with no file here yet, each once, in order."""
        return [e for e in dict.fromkeys(entries) if SHA256.match(e) and not self.path(e).is_file()]

    def save(self, sha256: str, data: bytes) -> bool:
        """Keep ``data`` if it really is the photo ``sha256``; False (nothing written) otherwise."""
        if not SHA256.match(sha256) or hashlib.sha256(data).hexdigest() != sha256:
            return False
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.folder.chmod(0o700)  # also when it was made by hand or by an older release
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".part-")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path(sha256))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return True

    def resolve(self, entries: Iterable[str]) -> tuple[str, ...]:
        """Paths to show: cached photos for hashes (those not fetched yet are left out), and the paths the
        counter's own demo data stores as they are."""
        paths = []
        for entry in entries:
            if SHA256.match(entry):
                if self.path(entry).is_file():
                    paths.append(str(self.path(entry)))
            elif Path(entry).is_absolute():
                paths.append(entry)
        return tuple(paths)
