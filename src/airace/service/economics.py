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
    summary: dict[str, Any] = {k: v for k, v in info.items() if k != "caveats"}
    return Result(
        "compute-share",
        table.to_dict(orient="records"),
        [snap.source],
        params={
            "source": source,
            "snapshot": snap.meta["snapshot_id"],
            "as_of": date,
            "all_rows": all_rows,
            "include_undated": include_undated,
        },
        caveats=list(info["caveats"]),
        summary=summary,
        extra={"info": info},
    )
