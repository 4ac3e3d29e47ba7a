"""Writing output files safely: whole or not at all, and only over regular files."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from airace.errors import AiraceError


def write_atomic(path: str | os.PathLike[str], payload: bytes) -> Path:
    """Write ``payload`` to ``path`` through a temporary file renamed into place.

    Only a regular file is ever replaced: a directory, FIFO, device node or symlink is
    refused (renaming over a symlink would silently replace the link, not its target). The
    new file gets the permissions a plain ``open`` would give (0666 minus the umask), not the
    0600 of the temporary file. Nothing is left behind on failure.
    """
    output = Path(path).expanduser()
    label = str(output)
    if output.is_symlink():
        raise AiraceError("is a symbolic link; give the real file path", file=label)
    if output.exists():
        mode = output.stat().st_mode
        if stat.S_ISDIR(mode):
            raise AiraceError("is a folder; give a file name", file=label)
        if not stat.S_ISREG(mode):
            raise AiraceError(
                "is not a regular file (device, FIFO or socket); refusing to replace it",
                file=label,
            )
    folder = output.parent
    if not folder.exists():
        raise AiraceError("folder does not exist", file=str(folder))
    if not folder.is_dir():
        raise AiraceError("is not a folder", file=str(folder))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", dir=folder)
    except OSError as exc:
        raise AiraceError(
            f"cannot write in this folder ({exc.strerror or exc})", file=str(folder)
        ) from None
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, output)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise AiraceError(f"cannot write the file ({exc.strerror or exc})", file=label) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return output
