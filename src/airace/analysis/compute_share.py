"""Compute by country from Epoch's AI supercomputers (GPU clusters) data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from airace.schema.cells import as_list

CAVEATS = (
    "Epoch's clusters dataset covers known AI supercomputers, not all AI compute: cloud "
    "fleets spread over many sites, undisclosed clusters and chips in smaller deployments "
    "are missing.",
    "Epoch anonymises Chinese systems (names concealed, numbers rounded to one significant "
    "figure), so China's total is coarse.",
    "Rows are counted when their first operational date is on or before the as-of date and "
    "they were not decommissioned by then; planned sites are excluded.",
    "A cluster listing several countries is split equally between them.",
)


def compute_share(
    clusters: pd.DataFrame,
    as_of: dt.date,
    *,
    standard_only: bool = True,
    include_undated: bool = False,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """H100-equivalents of clusters operating at ``as_of``, summed by country, with shares."""
    frame = clusters.copy()
    frame["first_operational_date"] = pd.to_datetime(frame["first_operational_date"])
    frame["decommissioned_date"] = pd.to_datetime(frame["decommissioned_date"])
    stamp = pd.Timestamp(as_of)
    status = frame["status"].fillna("")
    dated = frame["first_operational_date"].notna()
    running = (frame["first_operational_date"] <= stamp) & (
        frame["decommissioned_date"].isna() | (frame["decommissioned_date"] > stamp)
    )
    undated = ~dated & (status == "Existing")
    keep = (status != "Planned") & (running | (undated & include_undated))
    if standard_only and "in_standard_analysis" in frame:
        keep &= frame["in_standard_analysis"].fillna(False).astype(bool)
    used = frame[keep & frame["h100_equivalents"].notna()]
    shares: dict[str, float] = {}
    counts: dict[str, int] = {}
    unknown = 0.0
    for row in used.itertuples(index=False):
        countries = as_list(row.countries) or []
        if not countries:
            unknown += float(row.h100_equivalents)
            continue
        for code in countries:
            shares[code] = shares.get(code, 0.0) + float(row.h100_equivalents) / len(countries)
            counts[code] = counts.get(code, 0) + 1
    total = sum(shares.values()) + unknown
    records = [
        {
            "country": code,
            "h100_equivalents": value,
            "clusters": counts[code],
            "share": value / total if total else np.nan,
        }
        for code, value in sorted(shares.items(), key=lambda kv: -kv[1])
    ]
    if unknown:
        records.append(
            {
                "country": None,
                "h100_equivalents": unknown,
                "clusters": int(sum(1 for c in used["countries"] if not as_list(c))),
                "share": unknown / total,
            }
        )
    info = {
        "as_of": as_of.isoformat(),
        "clusters_counted": len(used),
        "undated_existing_excluded": int((undated & ~keep).sum()) if not include_undated else 0,
        "planned_excluded": int((status == "Planned").sum()),
        "total_h100_equivalents": total,
        "standard_analysis_only": standard_only,
        "caveats": list(CAVEATS),
    }
    return pd.DataFrame.from_records(records), info
