"""`airace update`: download the newest upstream files and import them.

Downloads are conditional (ETag / Last-Modified), retried with exponential backoff on
transient failures (connection errors, 429, 5xx), written to a temporary file, checked
against Content-Length, and imported through the same all-or-nothing path as
`airace import`. A partial or invalid download never replaces the good snapshot: the file
is thrown away and the catalog is left as it was.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airace.catalog import paths
from airace.errors import AiraceError
from airace.importers.registry import DOWNLOADS, Download

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
    try:
        state: dict[str, dict[str, Any]] = json.loads(_state_path().read_text(encoding="utf-8"))
        return state
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def save_state(state: dict[str, dict[str, Any]]) -> None:
    path = _state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".update_state.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(state, handle, indent=2, sort_keys=True)
    os.replace(tmp, path)


class Transient(Exception):
    """A failure worth retrying (network error, truncated body, 429 or 5xx)."""


def fetch(
    url: str,
    dest: Path,
    headers: dict[str, str],
    *,
    timeout: float,
    progress: Callable[[int, int | None], None] | None = None,
) -> tuple[int, dict[str, str]]:
    """One GET into ``dest``; returns (status, response headers). Raises Transient."""
    import httpx

    try:
        with httpx.stream(
            "GET", url, headers=headers, timeout=timeout, follow_redirects=True
        ) as response:
            status = response.status_code
            if status == 304:
                return status, dict(response.headers)
            if status == 429 or status >= 500:
                raise Transient(f"HTTP {status}")
            if status >= 400:
                raise AiraceError(f"download failed: HTTP {status} for {url}")
            expected = response.headers.get("content-length")
            total = int(expected) if expected and expected.isdigit() else None
            received = 0
            with dest.open("wb") as handle:
                for chunk in response.iter_bytes(1 << 16):
                    handle.write(chunk)
                    received += len(chunk)
                    if progress:
                        progress(received, total)
            if total is not None and received != total:
                raise Transient(f"truncated body: {received} of {total} bytes")
            return status, dict(response.headers)
    except httpx.TransportError as exc:  # connection refused, reset, incomplete body, ...
        raise Transient(f"{type(exc).__name__}: {exc}") from None


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


def update(
    catalog: Catalog,
    kinds: list[str] | None = None,
    *,
    base_url: str | None = None,
    retries: int = 3,
    backoff: float = 1.0,
    timeout: float = 60.0,
    force: bool = False,
    report: Callable[[str], None] | None = None,
) -> list[Outcome]:
    """Download and import the newest file of each target of ``kinds`` (default: all)."""
    from airace.importers.run import import_path

    chosen = kinds or KINDS
    for kind in chosen:
        if kind not in KINDS:
            raise AiraceError(f"unknown kind {kind!r}; kinds: {', '.join(KINDS)}")
    say = report or (lambda message: None)
    state = load_state()
    outcomes: list[Outcome] = []
    workdir = Path(tempfile.mkdtemp(prefix="airace-download-"))
    try:
        for target in (t for t in DOWNLOADS if t.kind in chosen):
            url = url_for(target, base_url)
            previous = state.get(target.key, {})
            headers = {}
            if not force and previous.get("url") == url:
                if previous.get("etag"):
                    headers["If-None-Match"] = previous["etag"]
                if previous.get("last_modified"):
                    headers["If-Modified-Since"] = previous["last_modified"]
            folder = workdir / target.key.replace(":", "_")
            folder.mkdir()
            dest = folder / target.file_name
            attempt = functools.partial(
                fetch,
                url,
                dest,
                headers,
                timeout=timeout,
                progress=_progress_printer(target.file_name),
            )
            try:
                status, response_headers = _with_retries(attempt, retries, backoff, say, url)
            except Transient as exc:
                outcomes.append(
                    Outcome(
                        target,
                        "failed",
                        f"{url}: {exc} after {retries + 1} attempts; the previous snapshot is kept",
                    )
                )
                continue
            except AiraceError as exc:
                outcomes.append(Outcome(target, "failed", exc.line()))
                continue
            if status == 304:
                outcomes.append(
                    Outcome(
                        target,
                        "unchanged",
                        f"{url}: not modified (304)",
                        previous.get("snapshot_id"),
                    )
                )
                continue
            path = _extract(dest, target) if target.member else dest
            try:
                result = import_path(catalog, target.kind, path, accessed=dt.date.today(), url=url)
            except AiraceError as exc:
                outcomes.append(
                    Outcome(
                        target,
                        "failed",
                        f"downloaded file rejected, the previous snapshot is kept: {exc.line()}",
                    )
                )
                continue
            state[target.key] = {
                "url": url,
                "etag": response_headers.get("etag"),
                "last_modified": response_headers.get("last-modified"),
                "snapshot_id": result.snapshot_id,
                "checked_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            }
            save_state(state)
            status_word = "identical" if result.already_imported else "imported"
            outcomes.append(
                Outcome(target, status_word, f"{url}: {result.rows} rows", result.snapshot_id)
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return outcomes


def _with_retries(
    call: Callable[[], tuple[int, dict[str, str]]],
    retries: int,
    backoff: float,
    say: Callable[[str], None],
    url: str,
) -> tuple[int, dict[str, str]]:
    for attempt in range(retries + 1):
        try:
            return call()
        except Transient as exc:
            if attempt == retries:
                raise
            delay = backoff * 2**attempt
            say(f"{url}: {exc}; retrying in {delay:g} s ({attempt + 1}/{retries})")
            time.sleep(delay)
    raise AssertionError("unreachable")


def _extract(archive: Path, target: Download) -> Path:
    assert target.member
    try:
        with zipfile.ZipFile(archive) as zf:
            names = [n for n in zf.namelist() if n.rsplit("/", 1)[-1] == target.member]
            if not names:
                raise AiraceError(
                    f"{target.member} is not in the downloaded archive", file=str(archive)
                )
            out = archive.parent / target.member
            out.write_bytes(zf.read(names[0]))
            return out
    except zipfile.BadZipFile:
        raise AiraceError("downloaded archive is not a valid zip", file=str(archive)) from None
