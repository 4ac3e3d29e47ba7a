"""`airace update`: download the newest upstream files and import them.

Downloads are conditional (ETag / Last-Modified), retried with exponential backoff on
transient failures (connection errors, 429, 5xx; not DNS failures, 4xx or redirect loops),
bounded per target by a deadline and a byte cap, written to a temporary file (removed on
SIGTERM too), checked against Content-Length, and imported through the same validated,
all-or-nothing path as `airace import`. A partial or invalid download never replaces the
good snapshot: the file is thrown away and the catalog is left as it was.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airace.catalog import paths
from airace.errors import AiraceError
from airace.importers.registry import DOWNLOADS, Download
from airace.importers.spec import MAX_INPUT_BYTES, zip_members

if TYPE_CHECKING:
    from airace.catalog import Catalog


KINDS = sorted({d.kind for d in DOWNLOADS})


@dataclass
class Outcome:
    target: Download
    status: str  # unchanged | imported | identical | failed
    detail: str
    snapshot_id: str | None = None


def url_for(target: Download, base_url: str | None) -> str:
    """The target's URL, or ``base_url/<file name>`` when a mirror is configured."""
    base = base_url or os.environ.get("AIRACE_BASE_URL")
    return f"{base.rstrip('/')}/{target.file_name}" if base else target.url


def _state_path() -> Path:
    return paths.home() / "update_state.json"


def load_state() -> dict[str, dict[str, Any]]:
    """What the last update saw per target (ETag, Last-Modified); empty when unreadable."""
    try:
        state = json.loads(_state_path().read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    if not isinstance(state, dict):
        return {}
    return {k: v for k, v in state.items() if isinstance(v, dict)}


def save_state(state: dict[str, dict[str, Any]]) -> None:
    path = _state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".update_state.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(state, handle, indent=2, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Transient(Exception):
    """A failure worth retrying (network error, truncated body, 429 or 5xx)."""


@dataclass(frozen=True)
class Limits:
    """Bounds on one target's download: seconds per network read (``timeout``), seconds for
    the whole target including retries (``deadline``) and bytes (``max_bytes``)."""

    timeout: float = 60.0
    deadline: float = 900.0
    max_bytes: int = MAX_INPUT_BYTES


def _is_dns_failure(exc: BaseException) -> bool:
    """A host name that does not resolve: retrying will not help."""
    import socket

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, socket.gaierror):
            return True
        seen = seen.__cause__ or seen.__context__
    text = str(exc).lower()
    return any(
        marker in text
        for marker in (
            "name or service not known",
            "nodename nor servname",
            "name resolution",
            "no address associated",
            "getaddrinfo failed",
        )
    )


def fetch(
    url: str,
    dest: Path,
    headers: dict[str, str],
    *,
    timeout: float,
    progress: Callable[[int, int | None], None] | None = None,
    deadline: float | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
) -> tuple[int, dict[str, str]]:
    """One GET into ``dest``; returns (status, response headers).

    Raises Transient for what a retry may fix and AiraceError for what it will not (HTTP
    4xx, DNS failure, a redirect loop, an HTML page, a body over ``max_bytes``, the
    ``deadline`` (a ``time.monotonic()`` value) passed).
    """
    import httpx

    def remaining() -> float:
        if deadline is None:
            return timeout
        left = deadline - time.monotonic()
        if left <= 0:
            raise AiraceError(f"download took longer than its deadline: {url}")
        return min(timeout, left)

    try:
        with httpx.stream(
            "GET",
            url,
            headers=headers,
            timeout=remaining(),
            follow_redirects=True,
            trust_env=False,
        ) as response:
            status = response.status_code
            if status == 304:
                return status, dict(response.headers)
            if status == 429 or status >= 500:
                raise Transient(f"HTTP {status}")
            if status >= 400:
                raise AiraceError(f"download failed: HTTP {status} for {url}")
            if status != 200:
                raise AiraceError(f"download failed: unexpected HTTP {status} for {url}")
            if "text/html" in response.headers.get("content-type", "").lower():
                raise AiraceError(
                    f"the server sent an HTML page, not the data file (maintenance page or "
                    f"login wall?): {url}"
                )
            expected = response.headers.get("content-length")
            total = int(expected) if expected and expected.isdigit() else None
            if total is not None and total > max_bytes:
                raise AiraceError(
                    f"the file is {total / 1e6:,.1f} MB, over the {max_bytes / 1e6:,.1f} MB "
                    f"limit (--max-bytes): {url}"
                )
            received = 0
            with dest.open("wb") as handle:
                stream = response.iter_bytes()  # as it arrives, so the deadline is checked
                while True:
                    remaining()  # the deadline also bounds a server that trickles
                    try:
                        chunk = next(stream)
                    except StopIteration:
                        break
                    received += len(chunk)
                    if received > max_bytes:
                        raise AiraceError(
                            f"the download passed the {max_bytes / 1e6:,.1f} MB limit "
                            f"(--max-bytes) and was stopped: {url}"
                        )
                    handle.write(chunk)
                    if progress:
                        progress(received, total)
            got = response.num_bytes_downloaded  # as sent (before any gzip decoding)
            if total is not None and got != total:
                raise Transient(f"truncated body: {got} of {total} bytes")
            return status, dict(response.headers)
    except httpx.TooManyRedirects:
        raise AiraceError(
            f"download failed: too many redirects (a redirect loop?): {url}"
        ) from None
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise AiraceError(f"download failed: {exc}: {url}") from None
    except httpx.TimeoutException as exc:
        if deadline is not None and time.monotonic() >= deadline:
            raise AiraceError(f"download took longer than its deadline: {url}") from None
        raise Transient(f"{type(exc).__name__}: {exc or 'timed out'}") from None
    except httpx.TransportError as exc:  # connection refused, reset, incomplete body, ...
        if _is_dns_failure(exc):
            raise AiraceError(f"download failed: host not found ({exc}): {url}") from None
        if "complete message body" in str(exc):  # shorter than its Content-Length
            raise Transient(f"truncated body ({exc})") from None
        raise Transient(f"{type(exc).__name__}: {exc}") from None
    except httpx.HTTPError as exc:
        raise AiraceError(f"download failed: {type(exc).__name__}: {exc}: {url}") from None


def _progress_printer(label: str) -> Callable[[int, int | None], None] | None:
    """A progress line on stderr for large downloads when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None
    last = [0.0]

    def show(received: int, total: int | None) -> None:
        now = time.monotonic()
        if total and total < 1 << 20:
            return
        if now - last[0] < 0.2 and (total is None or received < total):
            return
        last[0] = now
        mb = received / 1e6
        text = f"{label}: {mb:.1f} MB" + (f" of {total / 1e6:.1f} MB" if total else "")
        sys.stderr.write("\r" + text)
        if total and received >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


class Terminated(SystemExit):
    """SIGTERM during an update: unwinds so temporary downloads are removed, then exits
    with 143 (128 + SIGTERM) like an unhandled SIGTERM would."""

    def __init__(self) -> None:
        super().__init__(143)


@contextmanager
def _terminate_cleanly() -> Iterator[None]:
    """Turn SIGTERM into an exception while updating, so ``finally`` blocks run (temporary
    downloads removed, an open catalog transaction rolled back)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def update(
    catalog: Catalog,
    kinds: list[str] | None = None,
    *,
    base_url: str | None = None,
    retries: int = 3,
    backoff: float = 1.0,
    timeout: float = 60.0,
    deadline: float = 900.0,
    max_bytes: int = MAX_INPUT_BYTES,
    force: bool = False,
    report: Callable[[str], None] | None = None,
) -> list[Outcome]:
    """Download and import the newest file of each target of ``kinds`` (default: all).

    Each target is bounded (``deadline`` seconds including retries, ``max_bytes``) and fails
    on its own: its row in the outcome says why and the other targets go on. ``force``
    downloads even unchanged files and accepts a snapshot much smaller than the current one.
    """
    chosen = kinds or KINDS
    for kind in chosen:
        if kind not in KINDS:
            raise AiraceError(f"unknown kind {kind!r}; kinds: {', '.join(KINDS)}")
    say = report or (lambda message: None)
    limits = Limits(timeout, deadline, max_bytes)
    state = load_state()
    outcomes: list[Outcome] = []
    with _terminate_cleanly():
        workdir = Path(tempfile.mkdtemp(prefix="airace-download-"))
        try:
            for target in (t for t in DOWNLOADS if t.kind in chosen):
                try:
                    outcome = _one(
                        catalog,
                        target,
                        workdir,
                        state,
                        base_url,
                        retries,
                        backoff,
                        limits,
                        force,
                        say,
                    )
                except AiraceError as exc:
                    outcome = Outcome(target, "failed", exc.line())
                except (Exception, MemoryError) as exc:  # one target never stops the others
                    outcome = Outcome(target, "failed", f"{type(exc).__name__}: {exc}")
                outcomes.append(outcome)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    return outcomes


def _one(
    catalog: Catalog,
    target: Download,
    workdir: Path,
    state: dict[str, dict[str, Any]],
    base_url: str | None,
    retries: int,
    backoff: float,
    limits: Limits,
    force: bool,
    say: Callable[[str], None],
) -> Outcome:
    """Download, check and import one target."""
    from airace.importers.run import import_path

    url = url_for(target, base_url)
    previous = state.get(target.key, {})
    headers = {}
    if not force and previous.get("url") == url:
        if isinstance(previous.get("etag"), str):
            headers["If-None-Match"] = previous["etag"]
        if isinstance(previous.get("last_modified"), str):
            headers["If-Modified-Since"] = previous["last_modified"]
    folder = workdir / target.key.replace(":", "_")
    folder.mkdir()
    dest = folder / target.file_name
    stop = time.monotonic() + limits.deadline
    attempt = functools.partial(
        fetch,
        url,
        dest,
        headers,
        timeout=limits.timeout,
        progress=_progress_printer(target.file_name),
        deadline=stop,
        max_bytes=limits.max_bytes,
    )
    try:
        status, response_headers = _with_retries(attempt, retries, backoff, say, url, stop)
    except Transient as exc:
        return Outcome(
            target,
            "failed",
            f"{url}: {exc} after {retries + 1} attempts; the previous snapshot is kept",
        )
    except AiraceError as exc:
        return Outcome(target, "failed", f"{exc.line()}; the previous snapshot is kept")
    if status == 304:
        return Outcome(
            target, "unchanged", f"{url}: not modified (304)", previous.get("snapshot_id")
        )
    try:
        path = _extract(dest, target) if target.member else dest
        result = import_path(
            catalog, target.kind, path, accessed=dt.date.today(), url=url, force=force
        )
    except AiraceError as exc:
        return Outcome(
            target,
            "failed",
            f"downloaded file rejected, the previous snapshot is kept: {exc.line()}",
        )
    state[target.key] = {
        "url": url,
        "etag": response_headers.get("etag"),
        "last_modified": response_headers.get("last-modified"),
        "snapshot_id": result.snapshot_id,
        "checked_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }
    save_state(state)
    status_word = "identical" if result.already_imported else "imported"
    return Outcome(target, status_word, f"{url}: {result.rows} rows", result.snapshot_id)


def _with_retries(
    call: Callable[[], tuple[int, dict[str, str]]],
    retries: int,
    backoff: float,
    say: Callable[[str], None],
    url: str,
    stop: float | None = None,
) -> tuple[int, dict[str, str]]:
    """Retry transient failures with exponential backoff, never past ``stop``."""
    for attempt in range(retries + 1):
        try:
            return call()
        except Transient as exc:
            if attempt == retries:
                raise
            delay = backoff * 2**attempt
            if stop is not None and time.monotonic() + delay >= stop:
                raise AiraceError(
                    f"{url}: {exc}; no time left for a retry within the deadline"
                ) from None
            say(f"{url}: {exc}; retrying in {delay:g} s ({attempt + 1}/{retries})")
            time.sleep(delay)
    raise AssertionError("unreachable")


def _extract(archive: Path, target: Download) -> Path:
    """The target's member out of a downloaded zip (bounded in size)."""
    assert target.member
    member = target.member
    try:
        with zipfile.ZipFile(archive) as zf:
            found = zip_members(zf, lambda name: name.rsplit("/", 1)[-1] == member, str(archive))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, zlib.error):
        raise AiraceError("downloaded archive is not a valid zip", file=str(archive)) from None
    if not found:
        raise AiraceError(f"{member} is not in the downloaded archive", file=str(archive))
    out = archive.parent / member
    out.write_bytes(found[0][1])
    return out
