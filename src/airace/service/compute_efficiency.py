"""`airace efficiency`: score against training compute, by group (compute efficiency).

Loads scored models through :class:`~airace.service.data.Data` (the ``compute`` column of
``data.points``: curated ``releases.training_compute_flop`` for curated scores, Epoch's
figure for imported ones), fills models still lacking compute from an imported Epoch
models snapshot when one is present, and hands the points to the pure functions of
:mod:`airace.analysis.efficiency`. Where every compute figure came from is part of the
result: per-model ``compute_source`` and the field_sources rows that give the method.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airace.errors import AiraceError
from airace.service.points import parse_groups
from airace.service.result import Result

if TYPE_CHECKING:
    import pandas as pd

    from airace.service.data import Data
    from airace.service.points import Groups

VIEWS = ("levels", "frontier", "points", "coverage")
EPOCH_MODEL_SOURCES = ("epoch-notable", "epoch-frontier", "epoch-large-scale", "epoch-all")

DEFINITIONS = {
    "compute": "training compute in FLOP: the curated releases.training_compute_flop (its "
    "method in field_sources), else Epoch AI's estimate (imported score or models snapshot)",
    "efficiency_frontier": "a group's best score among its models trained with at most a "
    "given compute; one row per model that raises it",
    "min_compute": "the least training compute with which any of the group's models reached "
    "at least the score level",
    "first": "the first of the group's models (by release date) to reach the level, with its "
    "compute",
    "compute_ratio": "first group's min_compute / second group's at the same level (above 1: "
    "the first group needed more compute)",
    "default_levels": "every step of either group's efficiency frontier up to the lower of the "
    "two groups' best scores",
}


def _epoch_compute(data: Data) -> tuple[pd.DataFrame | None, Any]:
    """Epoch's training compute by curated model_id from the first imported models list."""
    for name in EPOCH_MODEL_SOURCES:
        try:
            snap = data.snapshot(name)
        except AiraceError:
            continue
        rows = snap.rows
        if "model_id" not in rows or "training_compute_flop" not in rows:
            continue
        found = rows[rows["model_id"].notna() & rows["training_compute_flop"].notna()]
        found = found.groupby("model_id", as_index=False)["training_compute_flop"].max()
        return found, snap.source
    return None, None


def _compute_sources(
    data: Data, frame: pd.DataFrame, source: str, fill_from_epoch: bool
) -> tuple[pd.DataFrame, list[Any], list[str]]:
    """Points with a ``compute_source`` column; extra sources and caveats."""
    frame = frame.copy()
    extra_sources: list[Any] = []
    caveats: list[str] = []
    has = frame["compute"].notna() & (frame["compute"] > 0)
    if source == "curated":
        frame["compute_source"] = has.map({True: "curated", False: None})
        methods = data.table("field_sources")
        methods = methods[
            (methods["table"] == "releases")
            & (methods["field"] == "training_compute_flop")
            & methods["row_id"].isin(frame.loc[has, "model"].tolist())
        ]
        if len(methods):
            extra_sources.append(data.table_source("field_sources", methods))
        missing_method = sorted(set(frame.loc[has, "model"]) - set(methods["row_id"]))
        if missing_method:
            caveats.append(
                "curated compute without a method row in field_sources: "
                + ", ".join(missing_method)
            )
    else:
        frame["compute_source"] = has.map({True: f"{source} (Epoch AI estimate)", False: None})
    if fill_from_epoch and source == "curated" and (~has).any():
        epoch, epoch_source = _epoch_compute(data)
        if epoch is not None:
            lookup = dict(zip(epoch["model_id"], epoch["training_compute_flop"], strict=True))
            fill = ~has & frame["model"].isin(list(lookup))
            if fill.any():
                frame["compute"] = frame["compute"].astype(float)
                frame.loc[fill, "compute"] = [float(lookup[m]) for m in frame.loc[fill, "model"]]
                frame.loc[fill, "compute_source"] = (
                    f"{epoch_source.snapshot_id} (Epoch AI estimate)"
                )
                extra_sources.append(epoch_source)
                caveats.append(
                    f"{int(fill.sum())} score rows took Epoch AI's training-compute estimate "
                    f"from snapshot {epoch_source.snapshot_id}"
                )
    return frame, extra_sources, caveats


def compute_efficiency(
    data: Data,
    *,
    metric: str | None,
    groups: str | Groups = "country:US,CN",
    as_of: dt.date | None = None,
    levels: Sequence[float] | None = None,
    view: str = "levels",
    source: str | None = None,
    snapshot: str | None = None,
    multi_country: str = "each",
    evaluator: str = "any",
    setting: str = "like-for-like",
    fill_from_epoch: bool = True,
) -> Result:
    """Score against log10 training compute per group: frontier, compute to reach levels."""
    from airace.analysis import efficiency as eff

    if not metric:
        raise AiraceError("--metric is required (e.g. eci, gpqa_diamond)")
    if view not in VIEWS:
        raise AiraceError(f"--view must be one of {', '.join(VIEWS)}")
    parsed = parse_groups(groups) if isinstance(groups, str) else groups
    from airace.service.frontier import with_setting

    points = with_setting(
        data.points(metric, parsed, source, snapshot, multi_country, evaluator), setting
    )
    frame, more_sources, caveats = _compute_sources(
        data, points.frame, points.source, fill_from_epoch
    )
    end = as_of or dt.date.today()
    names = parsed.names
    cover = eff.coverage(frame, names, end)
    pts = eff.compute_points(frame, names, end)
    src_of = dict(zip(frame["model"], frame["compute_source"], strict=False))
    pts["compute_source"] = pts["model"].map(src_of)
    frontier = eff.efficiency_frontier(frame, names, end)
    table = eff.compute_to_reach(frame, names, list(levels) if levels else None, end)
    ratio = eff.ratio_summary(table)
    tables = {
        "levels": table,
        "frontier": frontier,
        "points": pts,
        "coverage": cover,
    }
    context = {
        "metric": points.metric,
        "source": points.source,
        "groups": f"{parsed.kind}:{parsed.leader},{parsed.follower}",
    }
    records = [{**context, **r} for r in tables[view].to_dict(orient="records")]
    summary = {
        "coverage": cover.to_dict(orient="records"),
        "log10_compute_ratio": ratio,
        "compute_sources": {
            str(k): int(v) for k, v in pts["compute_source"].value_counts().items()
        },
    }
    for row in cover.itertuples(index=False):
        if row.models and row.share_lacking_compute:
            caveats.append(
                f"{row.group}: {row.models - row.with_compute} of {row.models} scored models "
                f"({row.share_lacking_compute:.0%}) have no training-compute figure and are "
                "left out"
            )
    if ratio["levels_compared"] == 0:
        caveats.append("no score level was reached by both groups' models with compute figures")
    return Result(
        "compute-efficiency",
        records,
        [*points.sources, *more_sources],
        params={
            **context,
            "as_of": end,
            "levels": list(levels) if levels else None,
            "view": view,
            "setting": setting,
        },
        definitions=DEFINITIONS,
        caveats=[*points.notes, *caveats],
        summary=summary,
        extra=tables,
    )


def efficiency_values(params: dict[str, Any], data: Data) -> dict[str, Any]:
    """Ledger runner body: the compute ratio (leader / follower) to reach the same scores.

    Returns the keyword arguments of ``service.claims.Values`` (this module cannot import
    claims, which imports the operations: that would be a cycle). Values (group None):
    ``median_log10_compute_ratio`` (with min, max and ``levels_compared``) over the levels
    both groups reached; per group: ``share_lacking_compute``, ``models``,
    ``with_compute``. Evidence: one row per level with each group's cheapest model.
    """
    as_of = params.get("as_of")
    if as_of is not None and not isinstance(as_of, dt.date):
        try:
            as_of = dt.date.fromisoformat(str(as_of))
        except ValueError:
            raise AiraceError(f"check parameter as_of: {as_of!r} is not a date") from None
    result = compute_efficiency(
        data,
        metric=params.get("metric"),
        groups=params.get("groups", "country:US,CN"),
        as_of=as_of,
        levels=params.get("levels"),
        source=params.get("source"),
        setting=params.get("setting", "like-for-like"),
    )
    # A reading resting on fewer models with a compute figure than ``min_with_compute`` in
    # either group says "insufficient data": one model cannot stand for what a country needed.
    least = int(params.get("min_with_compute", 1))
    thin = [row for row in result.summary["coverage"] if int(row["with_compute"]) < least]
    if thin:
        raise AiraceError(
            "too few models with a training-compute figure to compare efficiency: "
            + ", ".join(f"{r['group']} {r['with_compute']} of {r['models']}" for r in thin)
            + f" (min_with_compute {least} per group)"
        )
    ratio = result.summary["log10_compute_ratio"]
    values: dict[str | None, dict[str, Any]] = {
        None: {
            "median_log10_compute_ratio": ratio["median"],
            "min_log10_compute_ratio": ratio["min"],
            "max_log10_compute_ratio": ratio["max"],
            "levels_compared": ratio["levels_compared"],
        }
    }
    for row in result.summary["coverage"]:
        values[row["group"]] = {
            "share_lacking_compute": row["share_lacking_compute"],
            "models": row["models"],
            "with_compute": row["with_compute"],
        }
    return {
        "values": values,
        "evidence": result.extra["levels"].to_dict(orient="records"),
        "sources": [s.to_dict() for s in result.sources],
        "notes": list(result.caveats),
    }
