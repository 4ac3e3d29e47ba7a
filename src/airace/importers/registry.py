"""Every upstream source airace can import, declared once.

An *import kind* is one upstream file format (with its publisher, parser and download
URLs); importing a file of a kind yields rows of one *source* (the name analyses use, e.g.
``epoch-notable`` or ``lmarena-history``) in one catalog table. CLI choices, help text, the
update targets and the snapshot look-ups all derive from these two tables, so adding a
source is one entry here plus its parser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from airace.errors import AiraceError, suggest
from airace.importers import publishers as pub
from airace.importers.parsed import Parsed, Publisher

if TYPE_CHECKING:
    from airace.importers.crosswalk import Crosswalk

EPOCH = "https://epoch.ai/data"
LMARENA = "https://raw.githubusercontent.com/lmarena/arena-catalog/main/data"


@dataclass(frozen=True)
class Download:
    """One file `airace update` fetches for a kind (a zip ``member`` is taken out of it)."""

    kind: str
    file_name: str
    url: str
    member: str | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.member or self.file_name}"


@dataclass(frozen=True)
class Kind:
    """An import kind: how to read it, who publishes it, where to download it."""

    name: str
    publisher: Publisher
    parse: Callable[[Path, str, Crosswalk, str | None], Parsed]
    sources: tuple[str, ...]
    downloads: tuple[Download, ...] = ()
    takes_folder: bool = False


@dataclass(frozen=True)
class Source:
    """A source name as analyses see it: its kind, catalog table and role."""

    id: str
    kind: str
    table: str
    role: str  # models | scores | hardware | clusters
    title: str


# Parsers are imported when a file is parsed, not when the registry is read: listing sources
# (every query's provenance, CLI choices) should not pay for them.


def _epoch_models(path: Path, label: str, xw: Crosswalk, variant: str | None) -> Parsed:
    from airace.importers import epoch

    variants = pub.EPOCH_MODEL_VARIANTS
    chosen = variant or variants.get(path.stem)
    if chosen is None:
        raise AiraceError(
            "cannot tell which Epoch models file this is from its name; pass --variant "
            f"({', '.join(variants.values())})",
            file=label,
        )
    if chosen not in variants.values():
        raise AiraceError(f"unknown variant {chosen!r}; variants: {', '.join(variants.values())}")
    return epoch.parse_models(path.read_bytes(), label, chosen, xw)


def _epoch_hardware(path: Path, label: str, xw: Crosswalk, variant: str | None) -> Parsed:
    from airace.importers import epoch

    return epoch.parse_hardware(path.read_bytes(), label, xw)


def _epoch_clusters(path: Path, label: str, xw: Crosswalk, variant: str | None) -> Parsed:
    from airace.importers import epoch

    return epoch.parse_clusters(path.read_bytes(), label, xw)


def _epoch_benchmarks(path: Path, label: str, xw: Crosswalk, variant: str | None) -> Parsed:
    from airace.importers import epoch

    return epoch.parse_benchmarks(epoch.benchmark_members(path), label, xw)


def _epoch_eci(path: Path, label: str, xw: Crosswalk, variant: str | None) -> Parsed:
    from airace.importers import epoch

    return epoch.parse_eci(path.read_bytes(), label, xw)


def _lmarena(path: Path, label: str, xw: Crosswalk, variant: str | None) -> Parsed:
    from airace.importers import lmarena

    return lmarena.parse(path.read_bytes(), label, xw)


def _openrouter(path: Path, label: str, xw: Crosswalk, variant: str | None) -> Parsed:
    from airace.importers import openrouter

    return openrouter.parse(path.read_bytes(), label, xw)


def _dl(kind: str, name: str, url: str, member: str | None = None) -> Download:
    return Download(kind, name, url, member)


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "epoch-models",
            pub.EPOCH_MODELS,
            _epoch_models,
            tuple(pub.EPOCH_MODEL_VARIANTS.values()),
            tuple(
                _dl("epoch-models", f"{stem}.csv", f"{EPOCH}/{stem}.csv")
                for stem in pub.EPOCH_MODEL_VARIANTS
            ),
        ),
        Kind(
            "epoch-hardware",
            pub.EPOCH_HARDWARE,
            _epoch_hardware,
            ("epoch-hardware",),
            (_dl("epoch-hardware", "ml_hardware.csv", f"{EPOCH}/ml_hardware.csv"),),
        ),
        Kind(
            "epoch-clusters",
            pub.EPOCH_CLUSTERS,
            _epoch_clusters,
            ("epoch-clusters",),
            (_dl("epoch-clusters", "gpu_clusters.csv", f"{EPOCH}/gpu_clusters.csv"),),
        ),
        Kind(
            "epoch-benchmarks",
            pub.EPOCH_BENCHMARKS,
            _epoch_benchmarks,
            ("epoch-benchmarks",),
            (_dl("epoch-benchmarks", "benchmark_data.zip", f"{EPOCH}/benchmark_data.zip"),),
            takes_folder=True,
        ),
        Kind(
            "epoch-eci",
            pub.EPOCH_BENCHMARKS,
            _epoch_eci,
            ("epoch-eci",),
            (
                _dl(
                    "epoch-eci",
                    "benchmark_data.zip",
                    f"{EPOCH}/benchmark_data.zip",
                    member="epoch_capabilities_index.csv",
                ),
            ),
        ),
        Kind(
            "lmarena",
            pub.LMARENA,
            _lmarena,
            ("lmarena", "lmarena-history", "lmarena-meta"),
            (
                _dl("lmarena", "leaderboard-text.json", f"{LMARENA}/leaderboard-text.json"),
                _dl("lmarena", "scatterplot-data.json", f"{LMARENA}/scatterplot-data.json"),
            ),
        ),
        Kind(
            "openrouter",
            pub.OPENROUTER,
            _openrouter,
            ("openrouter",),
            (_dl("openrouter", "openrouter_models.json", "https://openrouter.ai/api/v1/models"),),
        ),
    )
}

SOURCES: dict[str, Source] = {
    s.id: s
    for s in (
        Source("epoch-notable", "epoch-models", "ext_models", "models", "Epoch notable AI models"),
        Source("epoch-all", "epoch-models", "ext_models", "models", "Epoch all AI models"),
        Source(
            "epoch-large-scale",
            "epoch-models",
            "ext_models",
            "models",
            "Epoch large-scale AI models",
        ),
        Source(
            "epoch-frontier", "epoch-models", "ext_models", "models", "Epoch frontier AI models"
        ),
        Source("openrouter", "openrouter", "ext_models", "models", "OpenRouter model list"),
        Source("lmarena-meta", "lmarena", "ext_models", "models", "LMArena model metadata"),
        Source("epoch-eci", "epoch-eci", "ext_scores", "scores", "Epoch Capabilities Index"),
        Source(
            "epoch-benchmarks",
            "epoch-benchmarks",
            "ext_scores",
            "scores",
            "Epoch AI Benchmarking Hub",
        ),
        Source("lmarena", "lmarena", "ext_scores", "scores", "LMArena leaderboard"),
        Source("lmarena-history", "lmarena", "ext_scores", "scores", "LMArena leaderboard history"),
        Source("epoch-hardware", "epoch-hardware", "ext_hardware", "hardware", "Epoch ML hardware"),
        Source(
            "epoch-clusters",
            "epoch-clusters",
            "ext_clusters",
            "clusters",
            "Epoch AI supercomputers",
        ),
    )
}

MODEL_VARIANTS_HELP = ", ".join(pub.EPOCH_MODEL_VARIANTS.values())

# Which score source answers a metric when several have it (gap's default source).
SCORE_PREFERENCE = ("epoch-eci", "lmarena", "epoch-benchmarks", "lmarena-history")
DOWNLOADS: tuple[Download, ...] = tuple(d for k in KINDS.values() for d in k.downloads)


def with_role(role: str) -> tuple[str, ...]:
    """Source ids of one role, in declaration order (e.g. the model lists)."""
    return tuple(s.id for s in SOURCES.values() if s.role == role)


def source(source_id: str, role: str | None = None) -> Source:
    """A source by id (optionally of one role); an unknown id names the known ones."""
    known = with_role(role) if role else tuple(SOURCES)
    if source_id not in known:
        what = f"{role} source" if role else "source"
        raise AiraceError(
            f"unknown {what} {source_id!r}{suggest(source_id, known)}; sources: {', '.join(known)}"
        )
    return SOURCES[source_id]


def kind(name: str) -> Kind:
    if name not in KINDS:
        raise AiraceError(
            f"unknown import kind {name!r}{suggest(name, list(KINDS))}; kinds: {', '.join(KINDS)}"
        )
    return KINDS[name]


def _check() -> None:
    """Every source's kind exists and every kind's sources are declared (import-time)."""
    for s in SOURCES.values():
        assert s.kind in KINDS and s.id in KINDS[s.kind].sources, s.id
    for k in KINDS.values():
        for sid in k.sources:
            assert sid in SOURCES and SOURCES[sid].kind == k.name, sid


_check()
