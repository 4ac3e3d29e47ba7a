"""Imported model lists seen as release tables, and curated-vs-imported date checks.

Imported rows keep their original names; ``org_ids`` and ``countries`` may hold several
values (a model by "Google DeepMind,Google Research" belongs to google once; a model by
"Microsoft,OpenAI" belongs to both labs, and is counted once for each of them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from airace.schema.cells import as_list

# Columns of a curated release row that an imported source can supply.
EXTERNAL_COLUMNS = {
    "model_id",
    "model_name",
    "org_id",
    "country",
    "release_date",
    "is_open_weights",
    "source_url",
}


def as_releases(rows: pd.DataFrame, group_by: str = "org_id") -> pd.DataFrame:
    """One row per (model, lab) — or per (model, country) — with curated-style columns.

    ``model_id`` is our id when the crosswalk matched, else ``source:<external name>``;
    rows without a date or without any matched lab/country are dropped here and counted in
    ``attrs['dropped']`` so callers can say how many.
    """
    frame = pd.DataFrame(
        {
            "model_id": [
                mid if isinstance(mid, str) else f"source:{ext}"
                for mid, ext in zip(rows["model_id"], rows["external_id"], strict=True)
            ],
            "external_id": rows["external_id"],
            "model_name": rows["model_name"],
            "release_date": pd.to_datetime(rows["release_date"]),
            "is_open_weights": rows.get("is_open_weights"),
            "source_url": rows.get("link"),
            "org_id": [as_list(v) for v in rows["org_ids"]],
            "country": [as_list(v) for v in rows["countries"]],
            "matched_model_id": rows["model_id"],
        }
    )
    undated = int(frame["release_date"].isna().sum())
    explode = "org_id" if group_by == "org_id" else "country"
    other = "country" if explode == "org_id" else "org_id"
    frame[other] = [v[0] if v else None for v in frame[other]]
    no_group = int((frame[explode].map(len) == 0).sum())
    frame = frame.explode(explode)
    frame = frame[frame[explode].notna() & frame["release_date"].notna()]
    frame = frame.drop_duplicates(subset=["external_id", explode]).copy()
    # the same model can appear once per lab; cadence needs unique ids within a lab only
    frame["model_id"] = frame["model_id"].astype(str)
    frame = frame.sort_values(["release_date", "model_id"], kind="mergesort")
    frame = frame.reset_index(drop=True)
    frame.attrs["dropped"] = {"undated": undated, f"no_{explode}": no_group}
    return frame


def compare_dates(
    ours: pd.DataFrame,
    theirs: pd.DataFrame,
    *,
    threshold_days: int = 3,
    labs: Sequence[str] | None = None,
    since: dt.date = dt.date(2023, 1, 1),
    ours_types: Sequence[str] | None = (
        "new_generation",
        "version_step",
        "reasoning_variant",
        "tier",
    ),
) -> pd.DataFrame:
    """Curated releases vs an imported source: dates that differ and models missing on a side.

    ``ours`` is the curated releases table (``model_id``, ``org_id``, ``release_date``, ...);
    ``theirs`` imported rows with ``model_id`` (our id when matched), ``org_ids`` and
    ``release_date``. Only labs in ``labs`` (default: the labs in ``ours``) and dates from
    ``since`` to the source's last date are compared, since a source cannot miss what
    happened after it was published. ``missing_in_source`` only lists curated launches of
    ``ours_types``: sources such as Epoch's notable list do not aim to include re-snapshots.
    """
    ours = ours.copy()
    ours["release_date"] = pd.to_datetime(ours["release_date"])
    theirs = theirs.copy()
    theirs["release_date"] = pd.to_datetime(theirs["release_date"])
    lab_set = set(labs) if labs else set(ours["org_id"])
    last = theirs["release_date"].max()
    start = pd.Timestamp(since)
    theirs["labs"] = [[o for o in as_list(v) if o in lab_set] for v in theirs["org_ids"]]
    theirs = theirs[theirs["labs"].map(len) > 0]
    ours = ours[ours["org_id"].isin(lab_set)]
    records = []
    matched = theirs[theirs["model_id"].notna()]
    by_id = ours.set_index("model_id")
    seen = set()
    for row in matched.itertuples(index=False):
        if row.model_id not in by_id.index or row.model_id in seen:
            continue
        seen.add(row.model_id)
        mine = by_id.loc[row.model_id]
        if pd.isna(row.release_date):
            continue
        diff = (row.release_date - mine["release_date"]).days
        if abs(diff) > threshold_days and mine["release_date"] >= start:
            rec = _rec(
                "date_differs",
                row.model_id,
                mine["org_id"],
                mine["model_name"],
                mine["release_date"],
                row.model_name,
                row.release_date,
                diff,
                mine["source_url"],
                row.link,
            )
            rec["explained"] = explain_difference(mine, row.release_date, threshold_days)
            records.append(rec)
    window = (ours["release_date"] >= start) & (ours["release_date"] <= last)
    if ours_types:
        window &= ours["release_type"].isin(list(ours_types))
    for mine in ours[window & ~ours["model_id"].isin(seen)].itertuples(index=False):
        records.append(
            _rec(
                "missing_in_source",
                mine.model_id,
                mine.org_id,
                mine.model_name,
                mine.release_date,
                None,
                None,
                None,
                mine.source_url,
                None,
            )
        )
    unmatched = theirs[theirs["model_id"].isna() & (theirs["release_date"] >= start)]
    for row in unmatched.itertuples(index=False):
        rec = _rec(
            "missing_in_airace",
            None,
            ",".join(row.labs),
            None,
            None,
            row.model_name,
            row.release_date,
            None,
            None,
            row.link,
        )
        rec["explained"] = explain_missing(
            getattr(row, "accessibility", None), getattr(row, "domain", None)
        )
        records.append(rec)
    columns = [
        "issue",
        "model_id",
        "org_id",
        "airace_name",
        "airace_date",
        "source_name",
        "source_date",
        "days_difference",
        "explained",
        "airace_source_url",
        "source_link",
    ]
    out = pd.DataFrame.from_records(records, columns=columns)
    out["days_difference"] = pd.to_numeric(out["days_difference"]).astype("Int64")
    out["abs_days"] = out["days_difference"].abs()
    out = (
        out.sort_values(
            ["issue", "abs_days", "org_id"], ascending=[True, False, True], kind="mergesort"
        )
        .drop(columns="abs_days")
        .reset_index(drop=True)
    )
    return out


# Domains (Epoch's ``domain`` field) of the models the releases table covers: general,
# multimodal and media models. A model of none of them (protein folding, weather, robotics,
# games) is outside the table's scope, not a launch we missed.
RELEASE_DOMAINS = frozenset(
    {"language", "multimodal", "vision", "image generation", "video", "audio", "speech"}
)


def explain_missing(accessibility: object, domain: object) -> str | None:
    """Why a model of the source is not a curated release, from the source's own fields
    (None: unexplained, i.e. possibly a launch we lack)."""
    if isinstance(accessibility, str) and accessibility.strip().casefold() == "unreleased":
        return "the source marks it unreleased: not a public launch"
    if isinstance(domain, str) and domain.strip():
        domains = {d.strip().casefold() for d in domain.split(",") if d.strip()}
        if not domains & RELEASE_DOMAINS:
            return f"outside the releases table's scope (domain: {domain.strip()})"
    return None


def explain_difference(
    mine: pd.Series, their_date: pd.Timestamp, threshold_days: int
) -> str | None:
    """Why a date differs, when our row already accounts for it (None: unexplained)."""
    announced = mine.get("announced_date")
    if (
        announced is not None
        and not pd.isna(announced)
        and abs((their_date - pd.Timestamp(announced)).days) <= threshold_days
    ):
        return "the source uses the announcement date; ours is first availability"
    ours = pd.Timestamp(mine["release_date"])
    if mine.get("date_precision") == "month" and (ours.year, ours.month) == (
        their_date.year,
        their_date.month,
    ):
        return "our date is known to the month only; the source's day is in that month"
    notes = str(mine.get("notes") or "")
    if their_date.date().isoformat() in notes:
        return "our notes discuss the source's date and why we chose another"
    return None


def _rec(
    issue: str,
    model_id: str | None,
    org: str,
    name: str | None,
    date: object,
    their_name: str | None,
    their_date: object,
    diff: int | None,
    url: str | None,
    link: str | None,
) -> dict[str, object]:
    def day(value: object) -> str | None:
        return value.date().isoformat() if isinstance(value, pd.Timestamp) else None

    return {
        "issue": issue,
        "model_id": model_id,
        "org_id": org,
        "airace_name": name,
        "airace_date": day(date),
        "source_name": their_name,
        "source_date": day(their_date),
        "days_difference": diff,
        "airace_source_url": url,
        "source_link": link,
    }
