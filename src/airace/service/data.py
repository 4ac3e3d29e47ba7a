"""What service operations read, behind one interface.

:class:`Data` is everything an operation may load: curated tables, imported snapshots,
scored models as frontier points, chips and systems. :class:`CatalogData` reads them from
the catalog (each once per instance); tests implement the same methods on small frames, so
the operations, and the claims engine built on them, run unchanged on either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from airace.errors import AiraceError
from airace.service.result import Source

if TYPE_CHECKING:
    import pandas as pd

    from airace.analysis.hardware import Unit
    from airace.catalog import Catalog
    from airace.service.points import Groups, Points
    from airace.service.snapshots import Snapshot


class Data(Protocol):
    """What operations read. The catalog implements it; tests implement it on frames."""

    def releases(self) -> pd.DataFrame: ...
    def orgs(self) -> pd.DataFrame: ...
    def events(self) -> pd.DataFrame: ...
    def table(self, name: str) -> pd.DataFrame: ...
    def points(
        self,
        metric: str,
        groups: Groups,
        source: str | None = None,
        snapshot: str | None = None,
        multi_country: str = "each",
        evaluator: str = "any",
    ) -> Points: ...
    def units(self) -> dict[str, Unit]: ...
    def reference_runs(self) -> pd.DataFrame: ...
    def snapshot(self, source: str, snapshot: str | None = None) -> Snapshot: ...
    def table_source(self, table: str, frame: pd.DataFrame | None = None) -> Source: ...


def pages_of(frame: pd.DataFrame | None) -> tuple[str, ...]:
    """The distinct per-row source pages of a curated frame."""
    if frame is None or "source_url" not in frame:
        return ()
    return tuple(sorted({u for u in frame["source_url"].tolist() if isinstance(u, str)}))


class CatalogData:
    """The catalog as a data provider (curated tables plus imported snapshots).

    Each table is read once per provider: a ledger check asks for the same tables many
    times. Errors (e.g. a snapshot not imported) are remembered and raised again.
    """

    def __init__(self, catalog: Catalog | None = None) -> None:
        if catalog is None:
            from airace.service.context import get_catalog

            catalog = get_catalog()
        self.catalog = catalog
        self._cache: dict[Any, tuple[bool, Any]] = {}

    def state(self) -> str:
        """The catalog's state token (what cached results are keyed by)."""
        return self.catalog.state()

    def _once(self, key: Any, load: Callable[[], Any]) -> Any:
        if key not in self._cache:
            try:
                self._cache[key] = (True, load())
            except AiraceError as exc:
                self._cache[key] = (False, exc)
        ok, value = self._cache[key]
        if not ok:
            raise value
        return value

    def releases(self) -> pd.DataFrame:
        def load() -> pd.DataFrame:
            import pandas as pd

            frame = self.catalog.query(
                "SELECT r.*, o.country, o.org_name FROM releases r JOIN orgs o "
                "USING (org_id) ORDER BY r.release_date, r.model_id"
            )
            frame["release_date"] = pd.to_datetime(frame["release_date"])
            return frame

        frame: pd.DataFrame = self._once("releases", load)
        return frame

    def orgs(self) -> pd.DataFrame:
        frame: pd.DataFrame = self._once(
            "orgs", lambda: self.catalog.query("SELECT * FROM orgs ORDER BY org_id")
        )
        return frame

    def events(self) -> pd.DataFrame:
        frame: pd.DataFrame = self._once(
            "events", lambda: self.catalog.query("SELECT * FROM events ORDER BY event_date")
        )
        return frame

    def table(self, name: str) -> pd.DataFrame:
        from airace.schema.tables import CURATED_TABLES

        if name not in CURATED_TABLES:
            raise AiraceError(f"unknown table {name!r}; tables: {', '.join(CURATED_TABLES)}")
        frame: pd.DataFrame = self._once(
            ("table", name), lambda: self.catalog.query(f'SELECT * FROM "{name}"')
        )
        return frame

    def points(
        self,
        metric: str,
        groups: Groups,
        source: str | None = None,
        snapshot: str | None = None,
        multi_country: str = "each",
        evaluator: str = "any",
    ) -> Points:
        from airace.service.points import load_points

        points: Points = self._once(
            ("points", metric, groups, source, snapshot, multi_country, evaluator),
            lambda: load_points(self, metric, groups, source, snapshot, multi_country, evaluator),
        )
        return points

    def units(self) -> dict[str, Unit]:
        from airace.service.units import load_units

        units: dict[str, Unit] = self._once("units", lambda: load_units(self))
        return units

    def reference_runs(self) -> pd.DataFrame:
        from airace.service.units import reference_runs

        frame: pd.DataFrame = self._once("runs", lambda: reference_runs(self))
        return frame

    def snapshot(self, source: str, snapshot: str | None = None) -> Snapshot:
        from airace.service.snapshots import load_snapshot

        snap: Snapshot = self._once(
            ("snapshot", source, snapshot),
            lambda: load_snapshot(source, snapshot, catalog=self.catalog),
        )
        return snap

    def _curated_meta(self) -> dict[str, dict[str, Any]]:
        meta: dict[str, dict[str, Any]] = self._once(
            "curated_meta",
            lambda: {
                r["name"]: r
                for r in self.catalog.query("SELECT * FROM curated_tables").to_dict(
                    orient="records"
                )
            },
        )
        return meta

    def table_source(self, table: str, frame: pd.DataFrame | None = None) -> Source:
        """The curated table as a source, its licence and title from its sidecar; counted
        for ``frame``'s rows (the rows a result used) when given."""
        meta = self._curated_meta().get(table)
        if meta is None:
            raise AiraceError(f"unknown curated table {table!r}")
        retrieved = None
        if frame is not None and "retrieved_date" in frame and len(frame):
            retrieved = str(max(frame["retrieved_date"].astype(str)))[:10]
        return Source(
            producer="airace",
            title=str(meta["title"]),
            licence=str(meta["licence"]),
            table=table,
            rows=len(frame) if frame is not None else int(meta["rows"]),
            retrieved=retrieved,
            pages=pages_of(frame),
        )


def default_data() -> CatalogData:
    """A fresh provider over the process's catalog (one per top-level call)."""
    return CatalogData()
