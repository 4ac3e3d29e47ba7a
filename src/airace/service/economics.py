"""Money and compute: dollars to chips to training FLOP; compute share by country."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airace.errors import AiraceError
from airace.service.result import Result, Source
from airace.service.units import get_unit

if TYPE_CHECKING:
    from airace.service.data import Data

REFERENCE_RUNS = (
    "gpt-4",
    "llama-3.1",
    "deepseek-v3",
    "deepseek-v4-pro",
    "grok-3",
    "grok-4",
    "gpt-4.5",
    "gpt-5",
)


def budget(
    data: Data,
    *,
    usd: float,
    chip_id: str,
    price_usd: float | None = None,
    utilization: float = 0.4,
    days: float = 90,
    precision: str = "bf16",
    runs: Sequence[str] | None = REFERENCE_RUNS,
    all_runs: bool = False,
) -> Result:
    """Dollars -> chips -> training FLOP, as multiples of well-known training runs."""
    from airace.analysis.budget import budget as run

    chip = get_unit(data.units(), chip_id, kind="chip")
    table = data.reference_runs()
    if not all_runs:
        wanted = list(runs or REFERENCE_RUNS)
        unknown = [r for r in wanted if r not in set(table["model_id"])]
        if unknown:
            raise AiraceError(
                f"no training-compute estimate for {unknown[0]!r}; runs with "
                f"one: {', '.join(sorted(table['model_id']))}"
            )
        table = table[table["model_id"].isin(wanted)]
    try:
        record = run(
            usd,
            chip,
            table,
            price=price_usd,
            utilization=utilization,
            days=days,
            precision=precision,
        )
    except ValueError as exc:
        raise AiraceError(str(exc)) from None
    src = chip.source("price_usd_low")
    record["price_source"] = None if price_usd else src.get("source_url")
    chips = data.table("chips")
    releases = data.releases()
    sources: list[Source] = [
        data.table_source("chips", chips[chips["chip_id"] == chip_id]),
        data.table_source("releases", releases[releases["model_id"].isin(table["model_id"])]),
    ]
    return Result(
        "budget",
        [record],
        sources,
        params={
            "usd": usd,
            "chip_id": chip_id,
            "price_usd": price_usd,
            "utilization": utilization,
            "days": days,
            "precision": precision,
            "runs": sorted(table["model_id"]),
        },
        caveats=[
            "Training-compute figures of the reference runs are estimates "
            "(sources per run in the equivalents)."
        ],
    )


def compute_share(
    data: Data,
    *,
    source: str = "epoch-clusters",
    snapshot: str | None = None,
    as_of: dt.date | None = None,
    all_rows: bool = False,
    include_undated: bool = False,
) -> Result:
    """H100-equivalents of operating AI supercomputers by country, and each share."""
    from airace.analysis.compute_share import compute_share as run

    if source != "epoch-clusters":
        raise AiraceError("compute-share reads --source epoch-clusters")
    snap = data.snapshot(source, snapshot)
    date = as_of or dt.date.fromisoformat(str(snap.meta["max_date"])[:10])
    table, info = run(snap.rows, date, standard_only=not all_rows, include_undated=include_undated)
    # The other Epoch filter and each country's newest dated row, side by side: how much the
    # filter and the data's coverage move the comparison (China's rows are sparse and coarse).
    other, _ = run(snap.rows, date, standard_only=all_rows, include_undated=include_undated)
    suffix = "_standard" if all_rows else "_all_rows"
    by_country = {str(r["country"]): r for r in other.to_dict(orient="records")}
    last = last_dated_rows(snap.rows, date)
    records = []
    for rec in table.to_dict(orient="records"):
        twin = by_country.get(str(rec["country"]), {})
        records.append(
            {
                **rec,
                f"h100_equivalents{suffix}": twin.get("h100_equivalents"),
                f"share{suffix}": twin.get("share"),
                "last_dated_row": last.get(str(rec["country"])),
            }
        )
    summary: dict[str, Any] = {k: v for k, v in info.items() if k != "caveats"}
    caveats = list(info["caveats"])
    for country in ("US", "CN"):
        rec = next((r for r in records if r["country"] == country), None)
        if rec is not None:
            standard, every = (rec["share"], rec[f"share{suffix}"])
            if all_rows:
                standard, every = every, standard
            caveats.append(
                f"{country}: share {_pct(standard)} with Epoch's standard rows, "
                f"{_pct(every)} with all rows; newest dated row "
                f"{rec['last_dated_row']}"
            )
    return Result(
        "compute-share",
        records,
        [snap.source],
        params={
            "source": source,
            "snapshot": snap.meta["snapshot_id"],
            "as_of": date,
            "all_rows": all_rows,
            "include_undated": include_undated,
        },
        caveats=caveats,
        summary=summary,
        extra={"info": info},
    )


def _pct(value: Any) -> str:
    return f"{100 * value:.1f}%" if isinstance(value, (int, float)) else "n/a"


def last_dated_rows(rows: Any, as_of: dt.date) -> dict[str, str]:
    """Each country's newest first-operational date on or before ``as_of``."""
    import pandas as pd

    from airace.schema.cells import as_list

    if "first_operational_date" not in rows or "countries" not in rows:
        return {}
    dates = pd.to_datetime(rows["first_operational_date"], errors="coerce")
    out: dict[str, str] = {}
    for cell, day in zip(rows["countries"], dates, strict=True):
        if pd.isna(day) or day > pd.Timestamp(as_of):
            continue
        for country in as_list(cell):
            text = day.date().isoformat()
            if text > out.get(country, ""):
                out[country] = text
    return out
