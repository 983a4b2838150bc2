"""Report paths checked before a run: a run must not end, after minutes of requests, unable to
write the report a CI job waits for."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["unwritable"]


def unwritable(path: str | os.PathLike[str]) -> str | None:
    """Return why a report cannot be written to ``path``, or None when it can.

    The folder must exist and be writable, and the path must not be a folder (nor an existing
    file that cannot be written). Nothing is created.

    >>> unwritable("/no/such/folder/run.json")
    "cannot write the report /no/such/folder/run.json: the folder /no/such/folder does not exist"
    """
    target = Path(path)
    where = f"cannot write the report {os.fspath(path)}"
    if target.is_dir():
        return f"{where}: it is a folder"
    folder = target.parent
    if not folder.is_dir():
        return f"{where}: the folder {folder} does not exist"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"{where}: the folder {folder} is not writable"
    if target.exists() and not os.access(target, os.W_OK):
        return f"{where}: the file is not writable"
    return None
