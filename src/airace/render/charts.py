"""Chart specifications for every analysis, shared by the CLI, the report and the dashboard.

Each chart function takes plain data as the analyses produce it (DataFrames, lists of dicts,
records), a title and parameter text, and the sources behind the data; it returns an Altair
chart whose Vega-Lite spec carries its data inline (named datasets, so specs are readable
and stable), a text alternative (``description``) and a footer naming every source and its
licence. ``usermeta.airace`` names the chart kind and the dataset a table fallback shows.

Dates are ISO strings drawn on UTC scales, so a chart looks the same in every time zone.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import textwrap
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import altair as alt

from airace.errors import AiraceError
from airace.files import write_atomic
from airace.service.result import Source

WIDTH = 640
HEIGHT = 300
FOOTER_WIDTH = 120  # characters per footer line
DAYS_PER_MONTH = 30.44

SourceLike = Source | Mapping[str, Any]
Chart = alt.TopLevelMixin


# --------------------------------------------------------------------------- data helpers


def _clean(value: Any) -> Any:
    """A JSON-native value: NaN/NaT become null, dates ISO strings, numpy scalars Python."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if type(value).__name__ == "datetime64":
        import pandas as pd

        return _clean(None if pd.isna(value) else pd.Timestamp(value))
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()  # numpy scalars and arrays
        if isinstance(value, list):
            return [_clean(v) for v in value]
    if isinstance(value, dt.datetime):
        if value.hour == value.minute == value.second == value.microsecond == 0:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (str, int, float, bool)):
        return value
    try:  # pandas NA / NaT
        import pandas as pd

        if pd.isna(value):
            return None
        if isinstance(value, pd.Timestamp):
            return _clean(value.to_pydatetime())
    except (TypeError, ValueError):
        pass
    return str(value)


def _rows(data: Any, what: str) -> list[dict[str, Any]]:
    """Rows of a DataFrame or a list of dicts, made JSON-safe."""
    if data is None:
        raise AiraceError(f"{what}: no data to draw")
    if hasattr(data, "to_dict") and hasattr(data, "columns"):
        records = data.to_dict(orient="records")
    elif isinstance(data, Mapping):
        records = [data]
    else:
        records = list(data)
    out = []
    for row in records:
        if not isinstance(row, Mapping):
            raise AiraceError(f"{what}: expected rows of named values, got {type(row).__name__}")
        out.append({str(k): _clean(v) for k, v in row.items()})
    return out


def _need(rows: list[dict[str, Any]], columns: Sequence[str], what: str) -> None:
    if not rows:
        raise AiraceError(f"{what}: no data to draw")
    missing = [c for c in columns if c not in rows[0]]
    if missing:
        raise AiraceError(f"{what}: the data has no column {', '.join(map(repr, missing))}")


def _data(name: str, rows: list[dict[str, Any]]) -> alt.InlineData:
    return alt.InlineData(values=rows, name=name)


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _fmt(value: Any, digits: int = 3) -> str:
    number = _number(value)
    if number is None:
        return "unpublished" if value is None else str(value)
    if number != 0 and (abs(number) >= 1e6 or abs(number) < 1e-2):
        return f"{number:.{digits}g}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def _usd(value: Any) -> str:
    number = _number(value)
    if number is None:
        return "an unknown sum"
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(number) >= size:
            return f"${number / size:,.3g} {word}"
    return f"${number:,.0f}"


def _group_column(rows: list[dict[str, Any]]) -> str:
    for name in ("group", "org_id", "country", "lab"):
        if rows and name in rows[0]:
            return name
    raise AiraceError("cadence chart: the data has no 'group' (or 'org_id') column")


def _time_axis(dates: Sequence[Any]) -> alt.Axis:
    """Year, quarter or month ticks, always with the year, chosen by the span of the dates."""
    days = [dt.date.fromisoformat(str(d)[:10]) for d in dates if d]
    span = (max(days) - min(days)).days if days else 0
    if span > 3 * 365:
        fmt, tick = "%Y", {"interval": "year", "step": 1}
    elif span > 400:
        fmt, tick = "%b %Y", {"interval": "month", "step": 3}
    elif span > 45:
        fmt, tick = "%b %Y", {"interval": "month", "step": 1}
    else:
        fmt, tick = "%d %b %Y", {"interval": "week", "step": 1}
    return alt.Axis(format=fmt, tickCount=tick, labelAngle=0, labelOverlap=True)


def _utc(
    field: str, title: str | None = None, *, dates: Sequence[Any] = (), padding: int = 12
) -> alt.X:
    """A date axis on a UTC scale (so no time zone shifts a day); padding keeps edge marks
    whole."""
    return alt.X(
        f"{field}:T",
        title=title,
        scale=alt.Scale(type="utc", padding=padding),
        axis=_time_axis(dates) if dates else alt.Axis(labelAngle=0, labelOverlap=True),
    )


# ------------------------------------------------------------------------ frame and footer


def source_line(source: SourceLike) -> str:
    """One footer line for a Source or a source dict (as claims JSON carries them)."""
    if isinstance(source, Source):
        text = f"Source: {source.name}"
        if source.snapshot_id:
            text += f" (snapshot {source.snapshot_id})"
        text += f", licence {source.licence}"
        if source.url:
            text += f", {source.url}"
        return text
    name = source.get("source") or source.get("title") or source.get("source_url") or "source"
    text = f"Source: {name}"
    snap = source.get("snapshot") or source.get("snapshot_id")
    if snap:
        text += f" (snapshot {snap})"
    if source.get("licence"):
        text += f", licence {source['licence']}"
    url = source.get("url") or (
        source.get("source_url") if name != source.get("source_url") else None
    )
    if url:
        text += f", {url}"
    return text


def footer_lines(sources: Sequence[SourceLike]) -> list[str]:
    """Source lines wrapped for a chart footer, duplicates once, in the order given."""
    lines = list(dict.fromkeys(source_line(s) for s in sources))
    if not lines:
        lines = ["Sources: none recorded for this chart"]
    return [part for line in lines for part in textwrap.wrap(line, FOOTER_WIDTH)]


def _subtitle(subtitle: str | Sequence[str] | None) -> list[str]:
    if subtitle is None:
        return []
    items = [subtitle] if isinstance(subtitle, str) else list(subtitle)
    return [part for item in items for part in textwrap.wrap(str(item), FOOTER_WIDTH)]


def _frame(
    inner: Any,
    *,
    kind: str,
    title: str,
    subtitle: str | Sequence[str] | None,
    sources: Sequence[SourceLike],
    description: str,
    table: str,
) -> alt.VConcatChart:
    """Title with parameters on top, sources and licences as the footer."""
    inner = inner.properties(
        title=alt.TitleParams(
            text=title,
            subtitle=_subtitle(subtitle),
            anchor="start",
            fontSize=15,
            subtitleFontSize=11,
            subtitleColor="#333",
        )
    )
    footer = alt.TitleParams(
        text=footer_lines(sources),
        orient="bottom",
        anchor="start",
        fontSize=10,
        fontWeight="normal",
        color="#333",
        offset=14,
    )
    return (
        alt.vconcat(
            inner,
            title=footer,
            description=description,
            usermeta={"airace": {"kind": kind, "table": table}},
        )
        .configure_axis(labelFontSize=12, titleFontSize=12)
        .configure_legend(labelFontSize=12, titleFontSize=12)
        .configure_header(labelFontSize=12)
    )


# ----------------------------------------------------------------------------- frontier


def _frontier_steps(points: list[dict[str, Any]], group: str, until: str) -> list[dict[str, Any]]:
    """The group's record-setting models (strictly rising best score), extended to ``until``."""
    rows = sorted(
        (p for p in points if p["group"] == group and _number(p["score"]) is not None),
        key=lambda p: (p["date"], -float(p["score"]), str(p["model"])),
    )
    steps: list[dict[str, Any]] = []
    best = -math.inf
    for p in rows:
        if float(p["score"]) > best:
            best = float(p["score"])
            steps.append(
                {
                    "group": group,
                    "date": p["date"],
                    "score": best,
                    "model": str(p["model"]),
                    "step": "new best",
                }
            )
    if steps and steps[-1]["date"] < until:
        steps.append({**steps[-1], "date": until, "step": "held to as-of"})
    return steps


def frontier(
    points: Any,
    gap: Mapping[str, Any] | None = None,
    *,
    title: str | None = None,
    subtitle: str | Sequence[str] | None = None,
    sources: Sequence[SourceLike] = (),
) -> alt.VConcatChart:
    """Each group's frontier as a step line over its model points, with the lag at as-of.

    ``points`` has model, group, date, score (as ``airace gap`` uses); ``gap`` is a
    ``gap_at`` record (leader, follower, as_of, follower_score, lag_months,
    leader_reached_follower_level). Points after the as-of date are left out.
    """
    rows = _rows(points, "frontier chart")
    _need(rows, ("model", "group", "date", "score"), "frontier chart")
    as_of = str(gap["as_of"]) if gap else max(str(r["date"]) for r in rows)
    rows = sorted(
        (
            r
            for r in rows
            if r["date"] is not None and str(r["date"]) <= as_of and _number(r["score"]) is not None
        ),
        key=lambda r: (str(r["group"]), str(r["date"]), str(r["model"])),
    )
    if not rows:
        raise AiraceError(f"frontier chart: no scored model on or before {as_of}")
    groups = (
        [str(gap["leader"]), str(gap["follower"])]
        if gap
        else sorted({str(r["group"]) for r in rows})
    )
    steps = [s for g in groups for s in _frontier_steps(rows, g, as_of)]
    colour = alt.Color("group:N", scale=alt.Scale(domain=groups), title="group")
    span_dates = [r["date"] for r in rows] + [as_of]
    x = _utc("date", "release date", dates=span_dates)
    y = alt.Y("score:Q", title="score", scale=alt.Scale(zero=False))
    dots = (
        alt.Chart(_data("points", rows))
        .mark_circle(size=45, opacity=0.45)
        .encode(
            x=x,
            y=y,
            color=colour,
            tooltip=[
                alt.Tooltip("model:N"),
                alt.Tooltip("group:N"),
                alt.Tooltip("date:N"),
                alt.Tooltip("score:Q", format=".2f"),
            ],
        )
    )
    line = (
        alt.Chart(_data("frontier", steps))
        .mark_line(interpolate="step-after", strokeWidth=2.5)
        .encode(
            x=x,
            y=y,
            color=colour,
            tooltip=[
                alt.Tooltip("model:N", title="frontier model"),
                alt.Tooltip("group:N"),
                alt.Tooltip("date:N"),
                alt.Tooltip("score:Q", format=".2f"),
            ],
        )
    )
    layers: list[Any] = [dots, line]
    if gap and gap.get("leader_reached_follower_level"):
        span = [
            {
                "start": gap["leader_reached_follower_level"],
                "end": as_of,
                "score": _number(gap.get("follower_score")),
                "lag_months": _number(gap.get("lag_months")),
                "label": f"lag {_fmt(gap.get('lag_months'))} months",
            }
        ]
        layers.append(
            alt.Chart(_data("lag_span", span))
            .mark_rule(strokeWidth=3, color="#111", strokeDash=[6, 3])
            .encode(
                x=_utc("start", "release date", dates=span_dates),
                x2="end:T",
                y="score:Q",
                tooltip=[
                    alt.Tooltip("label:N", title="lag"),
                    alt.Tooltip("start:N"),
                    alt.Tooltip("end:N"),
                ],
            )
        )
        layers.append(
            alt.Chart(_data("lag_label", span))
            .mark_text(
                align="left",
                baseline="top",
                dx=4,
                dy=6,
                fontSize=12,
                fontWeight="bold",
                color="#111",
            )
            .encode(x=_utc("start", "release date", dates=span_dates), y="score:Q", text="label:N")
        )
    inner = alt.layer(*layers).properties(width=WIDTH, height=HEIGHT)
    if title is None:
        title = (
            f"Frontier of {groups[0]} and {groups[1]} to {as_of}"
            if len(groups) == 2
            else f"Frontier to {as_of}"
        )
    return _frame(
        inner,
        kind="frontier",
        title=title,
        subtitle=subtitle,
        sources=sources,
        description=text_alternative("frontier", points, gap=gap),
        table="frontier",
    )


def _text_frontier(points: Any, gap: Mapping[str, Any] | None = None) -> str:
    rows = _rows(points, "frontier chart")
    if not gap:
        groups = sorted({str(r["group"]) for r in rows})
        return (
            f"Step chart of the best score over time for {', '.join(groups)}, "
            f"from {len(rows)} scored models."
        )
    text = (
        f"Step chart of the best score over time: on {gap['as_of']} {gap['leader']}'s "
        f"frontier is {_fmt(gap.get('leader_score'))} ({gap.get('leader_model')}, "
        f"{gap.get('leader_model_date')}) and {gap['follower']}'s is "
        f"{_fmt(gap.get('follower_score'))} ({gap.get('follower_model')}, "
        f"{gap.get('follower_model_date')}), a gap of {_fmt(gap.get('gap'))}. "
    )
    if gap.get("leader_reached_follower_level"):
        text += (
            f"{gap['leader']} first reached {gap['follower']}'s level on "
            f"{gap['leader_reached_follower_level']}, a lag of "
            f"{_fmt(gap.get('lag_months'))} months ({gap.get('lag_days')} days)."
        )
    else:
        text += f"{gap['follower']} is not behind, so the lag is zero."
    return text + f" Drawn from {len(rows)} scored models."


# ---------------------------------------------------------------------------------- lag


def _trend_numbers(trend: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Slope and interval, from plain keys or from a ``lag_stats`` record."""
    if not trend:
        return None
    slope = _number(trend.get("slope", trend.get("trend_months_per_year")))
    if slope is None:
        return None
    return {
        "slope": slope,
        "low": _number(trend.get("low", trend.get("trend_low"))),
        "high": _number(trend.get("high", trend.get("trend_high"))),
        "level": _number(trend.get("level", trend.get("trend_interval"))),
    }


def _years(iso: str) -> float:
    return dt.date.fromisoformat(iso[:10]).toordinal() / 365.25


def _iso(years: float) -> str:
    return dt.date.fromordinal(round(years * 365.25)).isoformat()


def lag(
    series: Any,
    trend: Mapping[str, Any] | None = None,
    *,
    title: str | None = None,
    subtitle: str | Sequence[str] | None = None,
    sources: Sequence[SourceLike] = (),
) -> alt.VConcatChart:
    """Lag (months) at each evaluation date, with the trend and its interval as a fan.

    ``series`` is a ``gap_series`` table (as_of, lag_months, ...). ``trend`` gives the slope
    in months per year and its interval: keys slope/low/high/level, or a ``lag_stats``
    record. The trend line is drawn through the mean of the plotted lag.
    """
    rows = _rows(series, "lag chart")
    _need(rows, ("as_of", "lag_months"), "lag chart")
    keep = ("as_of", "lag_months", "gap", "leader_model", "follower_model", "leader", "follower")
    rows = sorted(
        (
            {k: r.get(k) for k in keep if k in r}
            for r in rows
            if _number(r.get("lag_months")) is not None
        ),
        key=lambda r: r["as_of"],
    )
    if not rows:
        raise AiraceError("lag chart: no date has a lag (both groups need a model)")
    x = _utc("as_of", "date", dates=[r["as_of"] for r in rows])
    y = alt.Y("lag_months:Q", title="lag (months)")
    layers: list[Any] = [
        alt.Chart(_data("lag_series", rows))
        .mark_line(point=True, strokeWidth=2, color="#1f5fa8")
        .encode(
            x=x,
            y=y,
            tooltip=[
                alt.Tooltip("as_of:N", title="date"),
                alt.Tooltip("lag_months:Q", format=".2f"),
                *[
                    alt.Tooltip(f"{k}:N")
                    for k in ("leader_model", "follower_model")
                    if k in rows[0]
                ],
            ],
        )
    ]
    numbers = _trend_numbers(trend)
    if numbers is not None and len(rows) >= 2:
        xs = [_years(r["as_of"]) for r in rows]
        x0 = sum(xs) / len(xs)
        y0 = sum(float(r["lag_months"]) for r in rows) / len(rows)
        ends = (xs[0], x0, xs[-1])
        line = [
            {"as_of": _iso(t), "lag_months": round(y0 + numbers["slope"] * (t - x0), 4)}
            for t in ends
        ]
        layers.append(
            alt.Chart(_data("trend", line))
            .mark_line(strokeDash=[6, 4], color="#b23", strokeWidth=2)
            .encode(x=x, y=y)
        )
        if numbers["low"] is not None and numbers["high"] is not None:
            band = []
            for t in ends:
                a = y0 + numbers["low"] * (t - x0)
                b = y0 + numbers["high"] * (t - x0)
                band.append(
                    {"as_of": _iso(t), "low": round(min(a, b), 4), "high": round(max(a, b), 4)}
                )
            layers.insert(
                0,
                alt.Chart(_data("trend_interval", band))
                .mark_area(opacity=0.18, color="#b23")
                .encode(x=x, y="low:Q", y2="high:Q"),
            )
    inner = alt.layer(*layers).properties(width=WIDTH, height=HEIGHT)
    if numbers is not None:
        level = f"{numbers['level']:.0%} " if numbers["level"] else ""
        key = f"Dashed: trend {_fmt(numbers['slope'])} months per year, drawn through the mean lag"
        if numbers["low"] is not None and numbers["high"] is not None:
            key += (
                f"; shaded: its {level}interval ({_fmt(numbers['low'])} to {_fmt(numbers['high'])})"
            )
        subtitle = [*_subtitle(subtitle), key]
    if title is None:
        pair = (
            f" of {rows[0]['follower']} behind {rows[0]['leader']}"
            if "leader" in rows[0] and "follower" in rows[0]
            else ""
        )
        title = f"Lag{pair}, {rows[0]['as_of']} to {rows[-1]['as_of']}"
    return _frame(
        inner,
        kind="lag",
        title=title,
        subtitle=subtitle,
        sources=sources,
        description=text_alternative("lag", series, trend=trend),
        table="lag_series",
    )


def _text_lag(series: Any, trend: Mapping[str, Any] | None = None) -> str:
    rows = [r for r in _rows(series, "lag chart") if _number(r.get("lag_months")) is not None]
    rows.sort(key=lambda r: str(r["as_of"]))
    if not rows:
        return "No date has a lag."
    values = [float(r["lag_months"]) for r in rows]
    text = (
        f"Line chart of the lag in months at {len(rows)} dates from {rows[0]['as_of']} to "
        f"{rows[-1]['as_of']}: {_fmt(values[0])} months at the start, "
        f"{_fmt(values[-1])} at the end, between {_fmt(min(values))} and "
        f"{_fmt(max(values))}."
    )
    numbers = _trend_numbers(trend)
    if numbers is not None:
        text += f" Trend {_fmt(numbers['slope'])} months per year"
        if numbers["low"] is not None and numbers["high"] is not None:
            level = f"{numbers['level']:.0%} " if numbers["level"] else ""
            text += f" ({level}interval {_fmt(numbers['low'])} to {_fmt(numbers['high'])})"
        text += "."
    return text


# ------------------------------------------------------------------------------ cadence


def _pick_rule(rows: list[dict[str, Any]], rule: str | None, what: str) -> str:
    rules = list(dict.fromkeys(str(r["rule"]) for r in rows))
    if rule is None:
        return rules[0]
    if rule not in rules:
        raise AiraceError(f"{what}: rule {rule!r} is not in the data ({', '.join(rules)})")
    return rule


def _launches(
    rows: list[dict[str, Any]], group_col: str, dates: Mapping[str, str] | None
) -> list[dict[str, Any]]:
    """One mark per group, day and status; launches on the same day share it."""
    marks: dict[tuple[str, str, str], dict[str, Any]] = {}

    def add(group: str, model_id: str, day: str, status: str, into: str | None) -> None:
        mark = marks.setdefault(
            (group, day, status),
            {"group": group, "date": day, "status": status, "models": [], "collapsed_into": []},
        )
        mark["models"].append(model_id)
        if into and into not in mark["collapsed_into"]:
            mark["collapsed_into"].append(into)

    for row in rows:
        ids = row.get("model_ids") or []
        days = row.get("release_dates") or []
        collapsed = row.get("collapsed_ids") or [[] for _ in ids]
        group = str(row[group_col])
        for model_id, day, absorbed in zip(ids, days, collapsed, strict=False):
            add(group, str(model_id), str(day), "counted", None)
            for other in absorbed or []:
                known = _clean(dates.get(other)) if dates else None
                add(group, str(other), str(known or day), "collapsed", str(model_id))
    out = []
    for (group, day, status), mark in sorted(marks.items()):
        out.append(
            {
                "group": group,
                "date": day,
                "status": status,
                "n": len(mark["models"]),
                "models": ", ".join(sorted(mark["models"])),
                "collapsed_into": ", ".join(mark["collapsed_into"]) or None,
            }
        )
    return out


def cadence(
    table: Any,
    *,
    rule: str | None = None,
    since: str | None = None,
    as_of: str | None = None,
    release_dates: Mapping[str, Any] | None = None,
    title: str | None = None,
    subtitle: str | Sequence[str] | None = None,
    sources: Sequence[SourceLike] = (),
) -> alt.VConcatChart:
    """Launch timeline per lab under one rule: counted launches solid, collapsed ones faded.

    ``table`` is a cadence result (group or org_id, rule, count, model_ids, release_dates,
    collapsed_ids). The table holds no dates for collapsed launches; pass
    ``release_dates`` (model_id -> date) to place them, else they sit at the launch that
    absorbed them. The window [since, as_of] is shaded (read from the table when present).
    """
    rows = _rows(table, "cadence chart")
    _need(rows, ("rule", "model_ids", "release_dates"), "cadence chart")
    group_col = _group_column(rows)
    rule = _pick_rule(rows, rule, "cadence chart")
    rows = [r for r in rows if r["rule"] == rule]
    since = since or rows[0].get("since")
    as_of = as_of or rows[0].get("as_of")
    groups = list(dict.fromkeys(str(r[group_col]) for r in rows))
    counts = {str(r[group_col]): int(r.get("count") or len(r["model_ids"] or [])) for r in rows}
    labels = {g: f"{g} ({counts[g]})" for g in groups}
    launches = _launches(rows, group_col, release_dates)
    for item in launches:
        item["label"] = labels[str(item["group"])]
    y = alt.Y(
        "label:N",
        title=None,
        sort=[labels[g] for g in groups],
        scale=alt.Scale(domain=[labels[g] for g in groups]),
    )
    span_dates = [m["date"] for m in launches] + [_clean(since), _clean(as_of)]
    x = _utc("date", "release date", dates=span_dates)
    layers: list[Any] = []
    if since and as_of:
        layers.append(
            alt.Chart(_data("window", [{"since": _clean(since), "as_of": _clean(as_of)}]))
            .mark_rect(color="#e8eef6")
            .encode(x=_utc("since", "release date", dates=span_dates), x2="as_of:T")
        )
    layers.append(
        alt.Chart(_data("launches", launches))
        .mark_point(filled=True, size=110)
        .encode(
            x=x,
            y=y,
            yOffset=alt.YOffset("status:N", scale=alt.Scale(domain=["counted", "collapsed"])),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=["counted", "collapsed"], range=["#1f5fa8", "#b4bdc8"]),
                title=None,
            ),
            shape=alt.Shape(
                "status:N",
                scale=alt.Scale(domain=["counted", "collapsed"], range=["circle", "diamond"]),
                title=None,
            ),
            tooltip=[
                alt.Tooltip("models:N", title="model"),
                alt.Tooltip("group:N"),
                alt.Tooltip("date:N"),
                alt.Tooltip("status:N"),
                alt.Tooltip("collapsed_into:N", title="collapsed into"),
            ],
        )
    )
    layers.append(
        alt.Chart(_data("launch_counts", [m for m in launches if m["n"] > 1]))
        .mark_text(dx=9, dy=-7, fontSize=10, color="#333")
        .encode(
            x=x,
            y=y,
            yOffset=alt.YOffset("status:N", scale=alt.Scale(domain=["counted", "collapsed"])),
            text="n:Q",
        )
    )
    inner = alt.layer(*layers).properties(width=WIDTH, height=max(120, 46 * len(groups)))
    if title is None:
        window = f", {since} to {as_of}" if since and as_of else ""
        title = f"Launches per {group_col.removesuffix('_id')} under rule {rule}{window}"
    return _frame(
        inner,
        kind="cadence",
        title=title,
        subtitle=subtitle,
        sources=sources,
        description=text_alternative("cadence", table, rule=rule),
        table="launches",
    )


def _text_cadence(table: Any, rule: str | None = None) -> str:
    rows = _rows(table, "cadence chart")
    group_col = _group_column(rows)
    rule = _pick_rule(rows, rule, "cadence chart")
    rows = [r for r in rows if r["rule"] == rule]
    parts = []
    for r in rows:
        collapsed = sum(len(c or []) for c in (r.get("collapsed_ids") or []))
        part = f"{r[group_col]} {int(r.get('count') or 0)}"
        if collapsed:
            part += f" (plus {collapsed} collapsed into them)"
        parts.append(part)
    window = (
        f" from {rows[0]['since']} to {rows[0]['as_of']}"
        if rows[0].get("since") and rows[0].get("as_of")
        else ""
    )
    return (
        f"Timeline of launches{window} under rule {rule}; counted launches per group: "
        + "; ".join(parts)
        + "."
    )


def sensitivity(
    table: Any,
    *,
    title: str | None = None,
    subtitle: str | Sequence[str] | None = None,
    sources: Sequence[SourceLike] = (),
) -> alt.VConcatChart:
    """Counts as a group x rule heatmap, rules in the order given (loosest usually last)."""
    rows = _rows(table, "sensitivity chart")
    _need(rows, ("rule", "count"), "sensitivity chart")
    group_col = _group_column(rows)
    cells = [
        {"group": r[group_col], "rule": r["rule"], "count": int(r["count"] or 0)} for r in rows
    ]
    rules = list(dict.fromkeys(c["rule"] for c in cells))
    groups = list(dict.fromkeys(c["group"] for c in cells))
    top = max(c["count"] for c in cells)
    base = alt.Chart(_data("counts", cells)).encode(
        x=alt.X("rule:N", sort=rules, title="counting rule", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("group:N", sort=groups, title=None),
    )
    heat = base.mark_rect().encode(
        color=alt.Color("count:Q", scale=alt.Scale(scheme="blues", domainMin=0), title="count"),
        tooltip=["group:N", "rule:N", "count:Q"],
    )
    text = base.mark_text(fontSize=13).encode(
        text="count:Q",
        color=alt.condition(f"datum.count > {top / 2}", alt.value("white"), alt.value("black")),
    )
    inner = alt.layer(heat, text).properties(
        width=min(WIDTH, 110 * len(rules)), height=max(90, 36 * len(groups))
    )
    title = title or "Launch counts under each counting rule"
    return _frame(
        inner,
        kind="sensitivity",
        title=title,
        subtitle=subtitle,
        sources=sources,
        description=text_alternative("sensitivity", table),
        table="counts",
    )


def _text_sensitivity(table: Any) -> str:
    rows = _rows(table, "sensitivity chart")
    group_col = _group_column(rows)
    by_group: dict[str, list[str]] = {}
    for r in rows:
        by_group.setdefault(str(r[group_col]), []).append(f"{r['rule']} {r['count']}")
    rules = list(dict.fromkeys(str(r["rule"]) for r in rows))
    return (
        f"Heatmap of launch counts for {len(by_group)} groups under {len(rules)} counting "
        "rules: " + "; ".join(f"{g}: {', '.join(v)}" for g, v in by_group.items()) + "."
    )


# ----------------------------------------------------------------------------- hardware

POWER_FIELDS = {"it": "it_power_kw", "all-in": "all_in_power_kw"}


def _hardware_rows(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Units, chips, cabinets and power each side needs for the same amount."""
    inputs: dict[tuple[str, str], Any] = {}
    for item in record.get("inputs") or []:
        inputs[(str(item["unit"]), str(item["field"]))] = _number(item.get("value"))
    units_ratio = _number(record.get("units_ratio"))
    if units_ratio is None:
        raise AiraceError("hardware chart: the comparison has no units_ratio")
    basis = str(record.get("power_basis") or "all-in")
    power_field = POWER_FIELDS.get(basis, "all_in_power_kw")
    measures = [
        ("units", "units"),
        ("chips", "chips"),
        ("cabinets", "cabinets"),
        ("power_kw", f"power, kW ({basis})"),
    ]
    out = []
    for role, unit, n in (
        ("base", str(record["base"]), 1.0),
        ("other", str(record["other"]), units_ratio),
    ):
        is_system = (unit, "chip_count") in inputs or (unit, "cabinets_total") in inputs
        per_unit = {
            "units": 1.0,
            "chips": inputs.get((unit, "chip_count")) if is_system else 1.0,
            "cabinets": inputs.get((unit, "cabinets_total")),
            "power_kw": inputs.get((unit, power_field)),
        }
        if per_unit["power_kw"] is None and not is_system and basis == "it":
            tdp = inputs.get((unit, "tdp_w"))
            per_unit["power_kw"] = None if tdp is None else tdp / 1000
        for key, label in measures:
            each = per_unit[key]
            out.append(
                {
                    "measure": label,
                    "unit": unit,
                    "role": role,
                    "value": None if each is None else round(each * n, 6),
                    "per_unit": each,
                    "units": round(n, 6),
                    "status": "published" if each is not None else "unpublished",
                }
            )
    return out


def hardware(
    record: Mapping[str, Any],
    *,
    title: str | None = None,
    subtitle: str | Sequence[str] | None = None,
    sources: Sequence[SourceLike] = (),
) -> alt.VConcatChart:
    """Equal-amount comparison as grouped bars: what each side needs for one BASE's amount.

    ``record`` is a ``hardware compare`` record (base, other, units_ratio, power_basis,
    inputs). An unpublished figure is a missing bar labelled "unpublished", never a zero.
    """
    if not isinstance(record, Mapping) or "base" not in record or "other" not in record:
        raise AiraceError("hardware chart: expected a comparison record with base and other")
    rows = _hardware_rows(record)
    units = [str(record["base"]), str(record["other"])]
    measures = list(dict.fromkeys(r["measure"] for r in rows))
    for r in rows:
        r["zero"] = 0
    colour = alt.Color(
        "unit:N", scale=alt.Scale(domain=units, range=["#1f5fa8", "#c0392b"]), title=None
    )
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X(
                "unit:N",
                sort=units,
                title=None,
                axis=alt.Axis(labelAngle=0, labels=False, ticks=False),
            ),
            y=alt.Y("value:Q", title=None),
            color=colour,
            tooltip=[
                alt.Tooltip("unit:N"),
                alt.Tooltip("measure:N"),
                alt.Tooltip("value:Q", format=",.4~g"),
                alt.Tooltip("units:Q", format=".3~g"),
                alt.Tooltip("per_unit:Q", format=",.4~g", title="per unit"),
                alt.Tooltip("status:N"),
            ],
        )
    )
    values = (
        alt.Chart()
        .mark_text(dy=-6, fontSize=11)
        .encode(
            x=alt.X("unit:N", sort=units), y="value:Q", text=alt.Text("value:Q", format=",.3~g")
        )
    )
    gaps = (
        alt.Chart()
        .mark_text(dy=-8, fontSize=11, fontStyle="italic", color="#555")
        .transform_filter("datum.value === null")
        .encode(x=alt.X("unit:N", sort=units), y="zero:Q", text=alt.value("unpublished"))
    )
    inner = (
        alt.layer(bars, values, gaps, data=_data("needs", rows))
        .properties(width=130, height=220)
        .facet(
            column=alt.Column(
                "measure:N",
                sort=measures,
                title=None,
                header=alt.Header(labelFontSize=12, labelFontWeight="bold"),
            ),
        )
        .resolve_scale(y="independent")
    )
    what = {
        "compute": f"{record.get('precision') or ''} compute".strip(),
        "memory-bandwidth": "memory bandwidth",
        "memory-capacity": "memory capacity",
    }
    amount = what.get(str(record.get("basis", "compute")), str(record.get("basis")))
    title = title or (f"{units[1]} vs {units[0]}: what equal {amount} needs (one {units[0]})")
    return _frame(
        inner,
        kind="hardware",
        title=title,
        subtitle=subtitle,
        sources=sources,
        description=text_alternative("hardware", record),
        table="needs",
    )


def _text_hardware(record: Mapping[str, Any]) -> str:
    rows = _hardware_rows(record)
    base, other = str(record["base"]), str(record["other"])
    parts = []
    for measure in dict.fromkeys(r["measure"] for r in rows):
        b = next(r for r in rows if r["measure"] == measure and r["role"] == "base")
        o = next(r for r in rows if r["measure"] == measure and r["role"] == "other")
        parts.append(f"{measure} {_fmt(b['value'])} vs {_fmt(o['value'])}")
    return (
        f"Grouped bars of what matching one {base} on {record.get('basis', 'compute')} "
        f"takes: {base} vs {other}: "
        + "; ".join(parts)
        + ". Unpublished figures are shown as gaps, not zeros."
    )


# -------------------------------------------------------------------------------- budget


def budget(
    record: Mapping[str, Any],
    *,
    title: str | None = None,
    subtitle: str | Sequence[str] | None = None,
    sources: Sequence[SourceLike] = (),
) -> alt.VConcatChart:
    """Delivered training FLOP (with its price range) against reference runs, log axis."""
    if not isinstance(record, Mapping) or _number(record.get("delivered_flop")) is None:
        raise AiraceError("budget chart: expected a budget record with delivered_flop")
    runs: list[dict[str, Any]] = [
        {
            "model": r.get("model_name") or r.get("model_id"),
            "model_id": r.get("model_id"),
            "training_compute_flop": _number(r.get("training_compute_flop")),
            "multiple": _number(r.get("multiple")),
            "confidence": r.get("confidence"),
            "source_url": r.get("source_url"),
        }
        for r in _rows(record.get("equivalents") or [], "budget chart")
    ]
    runs = sorted(
        (r for r in runs if r["training_compute_flop"]),
        key=lambda r: (-r["training_compute_flop"], str(r["model"])),
    )
    if not runs:
        raise AiraceError("budget chart: no reference training runs to compare with")
    delivered = [
        {
            "delivered_flop": _number(record["delivered_flop"]),
            "low": _number(record.get("delivered_flop_low")) or _number(record["delivered_flop"]),
            "high": _number(record.get("delivered_flop_high")) or _number(record["delivered_flop"]),
            "label": f"delivered {_fmt(record['delivered_flop'])} FLOP",
        }
    ]
    x = alt.X(
        "training_compute_flop:Q",
        title="training compute (FLOP, log scale)",
        scale=alt.Scale(type="log"),
        axis=alt.Axis(format=".0e"),
    )
    y = alt.Y("model:N", sort=[r["model"] for r in runs], title=None)
    band = (
        alt.Chart(_data("delivered", delivered))
        .mark_rect(opacity=0.2, color="#c0392b")
        .encode(x=alt.X("low:Q", scale=alt.Scale(type="log")), x2="high:Q")
    )
    rule = (
        alt.Chart(_data("delivered_line", delivered))
        .mark_rule(color="#c0392b", strokeWidth=2)
        .encode(
            x=alt.X("delivered_flop:Q", scale=alt.Scale(type="log")),
            tooltip=[
                alt.Tooltip("label:N"),
                alt.Tooltip("low:Q", format=".3~e"),
                alt.Tooltip("high:Q", format=".3~e"),
            ],
        )
    )
    label = (
        alt.Chart(_data("delivered_label", delivered))
        .mark_text(align="left", dx=4, dy=-4, baseline="bottom", color="#c0392b", fontWeight="bold")
        .encode(
            x=alt.X("delivered_flop:Q", scale=alt.Scale(type="log")), y=alt.value(0), text="label:N"
        )
    )
    dots = (
        alt.Chart(_data("runs", runs))
        .mark_point(filled=True, size=80, color="#1f5fa8")
        .encode(
            x=x,
            y=y,
            tooltip=[
                alt.Tooltip("model:N"),
                alt.Tooltip("training_compute_flop:Q", format=".3~e"),
                alt.Tooltip("multiple:Q", format=".3~g", title="runs' worth delivered"),
                alt.Tooltip("confidence:N"),
                alt.Tooltip("source_url:N"),
            ],
        )
    )
    inner = alt.layer(band, rule, dots, label).properties(
        width=WIDTH, height=max(140, 26 * len(runs))
    )
    utilisation = _number(record.get("utilization"))
    title = title or (
        f"{_usd(record.get('usd'))} of {record.get('chip')} for "
        f"{_fmt(record.get('days'))} days"
        + (f" at {utilisation:.0%} utilisation" if utilisation else "")
        + " vs known training runs"
    )
    return _frame(
        inner,
        kind="budget",
        title=title,
        subtitle=subtitle,
        sources=sources,
        description=text_alternative("budget", record),
        table="runs",
    )


def _text_budget(record: Mapping[str, Any]) -> str:
    runs = sorted(
        record.get("equivalents") or [], key=lambda r: -float(r.get("training_compute_flop") or 0)
    )
    text = (
        f"Log-scale chart: {_usd(record.get('usd'))} buys {record.get('chips')} "
        f"{record.get('chip')} chips delivering {_fmt(record.get('delivered_flop'))} FLOP "
        f"(range {_fmt(record.get('delivered_flop_low'))} to "
        f"{_fmt(record.get('delivered_flop_high'))}) in {_fmt(record.get('days'))} days, "
        f"compared with {len(runs)} reference training runs"
    )
    if runs:
        text += ": " + "; ".join(
            f"{r.get('model_name') or r.get('model_id')} "
            f"{_fmt(r.get('training_compute_flop'))} FLOP "
            f"({_fmt(r.get('multiple'))}x)"
            for r in runs[:6]
        )
        if len(runs) > 6:
            text += f"; and {len(runs) - 6} more"
    return text + "."


# ------------------------------------------------------------------------- compute share


def compute_share(
    table: Any,
    *,
    title: str | None = None,
    subtitle: str | Sequence[str] | None = None,
    sources: Sequence[SourceLike] = (),
) -> alt.VConcatChart:
    """Share of H100-equivalents by country; stacked areas when the table has several dates.

    ``table`` is a ``compute_share`` result (country, h100_equivalents, share), optionally
    with an ``as_of`` column (several results stacked, one per date).
    """
    rows = _rows(table, "compute-share chart")
    _need(rows, ("country", "share"), "compute-share chart")
    cells: list[dict[str, Any]] = sorted(
        (
            {
                "as_of": r.get("as_of"),
                "country": r["country"] or "unknown",
                "share": _number(r["share"]),
                "h100_equivalents": _number(r.get("h100_equivalents")),
            }
            for r in rows
        ),
        key=lambda r: (str(r["as_of"]), -(r["share"] or 0), r["country"]),
    )
    dates = sorted({str(c["as_of"]) for c in cells if c["as_of"]})
    # countries by their share on the last date, biggest first
    last = [c for c in cells if str(c["as_of"]) == (dates[-1] if dates else "None")] or cells
    order = list(
        dict.fromkeys(
            c["country"] for c in sorted(last, key=lambda c: (-(c["share"] or 0), c["country"]))
        )
    )
    order += sorted({c["country"] for c in cells} - set(order))
    colour = alt.Color("country:N", sort=order, title="country")
    tips = [
        alt.Tooltip("country:N"),
        alt.Tooltip("share:Q", format=".1%"),
        alt.Tooltip("h100_equivalents:Q", format=",.0f", title="H100-equivalents"),
    ]
    base = alt.Chart(_data("shares", cells))
    if len(dates) > 1:
        inner = (
            base.mark_area()
            .encode(
                x=_utc("as_of", "date", dates=dates, padding=0),
                y=alt.Y(
                    "share:Q",
                    stack="normalize",
                    impute=alt.ImputeParams(value=0),
                    axis=alt.Axis(format="%"),
                    title="share",
                ),
                color=colour,
                order=alt.Order("rank:Q"),
                tooltip=[alt.Tooltip("as_of:N", title="date"), *tips],
            )
            .transform_calculate(rank=f"indexof({json.dumps(order)}, datum.country)")
        )
        inner = inner.properties(width=WIDTH, height=HEIGHT)
    else:
        inner = (
            base.mark_bar()
            .encode(
                x=alt.X("share:Q", axis=alt.Axis(format="%"), title="share of H100-equivalents"),
                y=alt.Y("country:N", sort=order, title=None),
                color=alt.Color("country:N", sort=order, legend=None),
                tooltip=tips,
            )
            .properties(width=WIDTH, height=max(100, 22 * len(order)))
        )
    when = (
        f" on {dates[0]}" if len(dates) == 1 else (f", {dates[0]} to {dates[-1]}" if dates else "")
    )
    title = title or f"Share of AI supercomputer compute by country{when}"
    return _frame(
        inner,
        kind="compute-share",
        title=title,
        subtitle=subtitle,
        sources=sources,
        description=text_alternative("compute-share", table),
        table="shares",
    )


def _text_compute_share(table: Any) -> str:
    rows = _rows(table, "compute-share chart")
    dates = sorted({str(r["as_of"]) for r in rows if r.get("as_of")})
    last = [r for r in rows if not dates or str(r.get("as_of")) == dates[-1]]
    last.sort(key=lambda r: -(_number(r["share"]) or 0))
    top = "; ".join(
        f"{r['country'] or 'unknown'} {(_number(r['share']) or 0):.1%}" for r in last[:5]
    )
    when = f"on {dates[-1]}" if dates else "at the date asked"
    span = f" Dates covered: {dates[0]} to {dates[-1]}." if len(dates) > 1 else ""
    return f"Share of H100-equivalent compute by country {when}: {top}.{span}"


# -------------------------------------------------------------------------------- events


def events(
    rows_in: Any,
    *,
    title: str | None = None,
    subtitle: str | Sequence[str] | None = None,
    sources: Sequence[SourceLike] = (),
) -> alt.VConcatChart:
    """Events as a timeline: one row per jurisdiction, colour by type, shape by status."""
    rows = _rows(rows_in, "events chart")
    _need(rows, ("event_date", "title"), "events chart")
    keep = ("event_id", "event_date", "jurisdiction", "event_type", "title", "status", "source_url")
    items: list[dict[str, Any]] = sorted(
        ({k: r.get(k) for k in keep} for r in rows),
        key=lambda r: (str(r["event_date"]), str(r["event_id"])),
    )
    for item in items:
        item["jurisdiction"] = item["jurisdiction"] or "unknown"
        item["event_type"] = item["event_type"] or "event"
        item["status"] = item["status"] or "unknown"
    places = sorted({i["jurisdiction"] for i in items})
    inner = (
        alt.Chart(_data("events", items))
        .mark_point(filled=True, size=120, opacity=0.85)
        .encode(
            x=_utc("event_date", "date", dates=[i["event_date"] for i in items]),
            y=alt.Y("jurisdiction:N", sort=places, title=None),
            color=alt.Color(
                "event_type:N",
                title="type",
                sort=sorted({i["event_type"] for i in items}),
                scale=alt.Scale(scheme="tableau20"),
            ),
            shape=alt.Shape("status:N", title="status", sort=sorted({i["status"] for i in items})),
            tooltip=[
                alt.Tooltip("title:N"),
                alt.Tooltip("event_date:N", title="date"),
                alt.Tooltip("event_type:N"),
                alt.Tooltip("status:N"),
                alt.Tooltip("source_url:N", title="source"),
            ],
        )
        .properties(width=WIDTH, height=max(100, 40 * len(places)))
    )
    title = title or (f"Events, {items[0]['event_date']} to {items[-1]['event_date']}")
    return _frame(
        inner,
        kind="events",
        title=title,
        subtitle=subtitle,
        sources=sources,
        description=text_alternative("events", rows_in),
        table="events",
    )


def _text_events(rows_in: Any) -> str:
    rows = sorted(_rows(rows_in, "events chart"), key=lambda r: str(r["event_date"]))
    by_place: dict[str, int] = {}
    for r in rows:
        key = str(r.get("jurisdiction") or "unknown")
        by_place[key] = by_place.get(key, 0) + 1
    return (
        f"Timeline of {len(rows)} events from {rows[0]['event_date']} to "
        f"{rows[-1]['event_date']} ("
        + ", ".join(f"{k} {v}" for k, v in sorted(by_place.items()))
        + f"); the latest is {rows[-1]['title']!s}."
    )


# ---------------------------------------------------------------------------- scenarios


def fan(
    quantiles: Any,
    *,
    unit: str = "h100e_tpp",
    line: str = "total",
    ratio: bool = False,
    title: str | None = None,
    subtitle: str | Sequence[str] | None = None,
    sources: Sequence[SourceLike] = (),
) -> alt.VConcatChart:
    """A scenario's stock by quarter as a fan: median line, p25-p75 and p05-p95 bands.

    ``quantiles`` is a scenario run's tidy quantile table (quarter_end, country, unit, line,
    p05..p95). ``ratio`` draws the CN/US ratio instead of the two countries' stocks.
    """
    items = _fan_items(quantiles, unit, line, ratio)
    base = alt.Chart(_data("fan", items))
    x = _utc("quarter_end", "quarter end", dates=[i["quarter_end"] for i in items])
    colour = alt.Color("country:N", title="country", sort=sorted({i["country"] for i in items}))
    y_title = "China's stock / US stock" if ratio else f"stock ({unit}, {line})"
    scale = alt.Scale(type="linear" if ratio else "log")
    outer = base.mark_area(opacity=0.18).encode(
        x=x, y=alt.Y("p05:Q", title=y_title, scale=scale), y2="p95:Q", color=colour
    )
    inner_band = base.mark_area(opacity=0.32).encode(x=x, y="p25:Q", y2="p75:Q", color=colour)
    median = base.mark_line(strokeWidth=2.5).encode(
        x=x,
        y="p50:Q",
        color=colour,
        tooltip=[
            alt.Tooltip("country:N"),
            alt.Tooltip("quarter_end:N", title="quarter end"),
            *(alt.Tooltip(f"{k}:Q", format=".3~s") for k in ("p05", "p25", "p50", "p75", "p95")),
        ],
    )
    chart = alt.layer(outer, inner_band, median).properties(width=WIDTH, height=320)
    return _frame(
        chart,
        kind="fan",
        title=title or "Compute stock by quarter (p05-p95)",
        subtitle=subtitle,
        sources=sources,
        description=_text_fan(items, unit, ratio),
        table="fan",
    )


def _fan_items(quantiles: Any, unit: str, line: str, ratio: bool) -> list[dict[str, Any]]:
    rows = _rows(quantiles, "fan chart")
    _need(
        rows,
        ("quarter_end", "country", "unit", "line", "p05", "p25", "p50", "p75", "p95"),
        "fan chart",
    )
    keep = [
        r
        for r in rows
        if r["unit"] == unit and r["line"] == line and ((r["country"] == "CN/US") == ratio)
    ]
    if not keep:
        raise AiraceError(f"fan chart: no rows for unit {unit!r}, line {line!r}")
    return sorted(
        (
            {
                k: (
                    str(r[k])
                    if k == "quarter_end"
                    else (_number(r[k]) if k.startswith("p") else r[k])
                )
                for k in ("quarter_end", "country", "p05", "p25", "p50", "p75", "p95")
            }
            for r in keep
        ),
        key=lambda r: (r["country"], r["quarter_end"]),
    )


def _text_fan_of(
    quantiles: Any, unit: str = "h100e_tpp", line: str = "total", ratio: bool = False, **_: Any
) -> str:
    return _text_fan(_fan_items(quantiles, unit, line, ratio), unit, ratio)


def _text_tornado(table: Any, **_: Any) -> str:
    rows = sorted(_rows(table, "tornado chart"), key=lambda r: -(_number(r["swing"]) or 0))
    return (
        f"Tornado of {len(rows)} inputs; the widest swing is {rows[0]['input']} "
        f"(output {_fmt(rows[0]['at_p05'])} at its p05, {_fmt(rows[0]['at_p95'])} at "
        "its p95)."
    )


def _text_fan(items: list[dict[str, Any]], unit: str, ratio: bool) -> str:
    last = items[-1]["quarter_end"]
    ends = [i for i in items if i["quarter_end"] == last]
    parts = [
        f"{i['country']} median {_fmt(i['p50'])} (90% {_fmt(i['p05'])} to {_fmt(i['p95'])})"
        for i in ends
    ]
    what = "China's stock as a share of the US's" if ratio else f"stock in {unit}"
    return f"Fan chart of {what} by quarter; at {last}: " + "; ".join(parts) + "."


def tornado(
    table: Any,
    *,
    title: str | None = None,
    subtitle: str | Sequence[str] | None = None,
    sources: Sequence[SourceLike] = (),
) -> alt.VConcatChart:
    """Which parameters drive the spread: the output at each input's p05 and p95 (others
    at p50) as bars around the central value, widest swing on top."""
    rows = _rows(table, "tornado chart")
    _need(rows, ("input", "at_p05", "at_p50", "at_p95", "swing"), "tornado chart")
    items = sorted(
        (
            {
                k: (r[k] if k == "input" else _number(r[k]))
                for k in ("input", "at_p05", "at_p50", "at_p95", "swing")
            }
            for r in rows
        ),
        key=lambda r: (-(r["swing"] or 0), r["input"]),
    )
    cells = []
    for i in items:
        low, high = sorted([i["at_p05"] or 0.0, i["at_p95"] or 0.0])
        cells.append(
            {
                "input": i["input"],
                "low": low,
                "high": high,
                "centre": i["at_p50"],
                "at_p05": i["at_p05"],
                "at_p95": i["at_p95"],
                "swing": i["swing"],
            }
        )
    order = [str(c["input"]) for c in cells]
    base = alt.Chart(_data("tornado", cells))
    bars = base.mark_bar(opacity=0.8).encode(
        y=alt.Y("input:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X(
            "low:Q",
            title="output (input at its p05 .. p95, others at p50)",
            scale=alt.Scale(zero=False),
        ),
        x2="high:Q",
        tooltip=[
            alt.Tooltip("input:N"),
            alt.Tooltip("at_p05:Q", format=".4~g"),
            alt.Tooltip("at_p95:Q", format=".4~g"),
            alt.Tooltip("swing:Q", format=".4~g"),
        ],
    )
    centre = base.mark_tick(color="black", thickness=2).encode(
        y=alt.Y("input:N", sort=order), x="centre:Q"
    )
    chart = alt.layer(bars, centre).properties(width=WIDTH, height=max(120, 26 * len(cells)))
    return _frame(
        chart,
        kind="tornado",
        title=title or "What drives the spread",
        subtitle=subtitle,
        sources=sources,
        description=_text_tornado(table),
        table="tornado",
    )


# ------------------------------------------------------------------------ registry, output

KINDS: dict[str, Callable[..., alt.VConcatChart]] = {
    "frontier": frontier,
    "lag": lag,
    "cadence": cadence,
    "sensitivity": sensitivity,
    "hardware": hardware,
    "budget": budget,
    "compute-share": compute_share,
    "events": events,
    "fan": fan,
    "tornado": tornado,
}

_TEXT: dict[str, Callable[..., str]] = {
    "frontier": _text_frontier,
    "lag": _text_lag,
    "cadence": _text_cadence,
    "sensitivity": _text_sensitivity,
    "hardware": _text_hardware,
    "budget": _text_budget,
    "compute-share": _text_compute_share,
    "events": _text_events,
    "fan": _text_fan_of,
    "tornado": _text_tornado,
}


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise AiraceError(f"unknown chart kind {kind!r}; use one of {', '.join(KINDS)}")
    return kind


def make(kind: str, data: Any, **kwargs: Any) -> alt.VConcatChart:
    """The chart of one kind (the CLI's entry point): ``make("lag", series, trend=...)``."""
    return KINDS[_kind(kind)](data, **kwargs)


def text_alternative(kind: str, data: Any, **extra: Any) -> str:
    """One paragraph describing the chart with its key numbers (same data as the chart)."""
    return _TEXT[_kind(kind)](data, **extra)


# Altair names unnamed selections and views with per-process ids (param_<16 hex>,
# view_<16 hex>_<n>); they are renumbered so specs are stable.
_AUTO_NAME = re.compile(r"\b(param|view)_[0-9a-f]{16}(?:_\d+)?\b")


def spec(chart: Any, *, validate: bool = False) -> dict[str, Any]:
    """The Vega-Lite spec with data inline; auto-generated names renumbered in order.

    Schema validation is off by default (it triples the cost and the specs come from this
    module); the snapshot tests build every kind with ``validate=True``."""
    text = json.dumps(chart.to_dict(validate=validate), sort_keys=False, allow_nan=False)
    names: dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        key = match.group(0)
        if key not in names:
            names[key] = f"{match.group(1)}_{sum(n.startswith(match.group(1)) for n in names)}"
        return names[key]

    result: dict[str, Any] = json.loads(_AUTO_NAME.sub(rename, text))
    return result


def vl_version() -> str | None:
    """The Vega-Lite version matching Altair's schema, when vl-convert bundles it."""
    import vl_convert as vlc

    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return major_minor if major_minor in vlc.get_vegalite_versions() else None


def render(chart: Any, fmt: str, *, scale: float = 2.0) -> bytes:
    """The chart as svg, png, html (self-contained) or json bytes, via vl-convert."""
    import vl_convert as vlc

    vega_lite = chart if isinstance(chart, dict) else spec(chart)
    version = vl_version()
    try:
        if fmt == "json":
            return (json.dumps(vega_lite, indent=2) + "\n").encode()
        if fmt == "svg":
            return str(vlc.vegalite_to_svg(vega_lite, vl_version=version)).encode()
        if fmt == "png":
            return bytes(vlc.vegalite_to_png(vega_lite, vl_version=version, scale=scale))
        if fmt == "html":
            return str(vlc.vegalite_to_html(vega_lite, vl_version=version, bundle=True)).encode()
    except ValueError as exc:  # vl-convert reports a bad spec as ValueError
        raise AiraceError(f"the chart could not be rendered: {exc}") from None
    raise AiraceError(f"unknown chart format {fmt!r}; use svg, png, html or json")


def save(chart: Any, path: str | os.PathLike[str], *, scale: float = 2.0) -> Path:
    """Save as .svg, .png, .html or .json (by suffix); nothing is written on failure."""
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png", "html", "json"):
        raise AiraceError(
            f"unknown chart format {target.suffix or '(none)'!r}; use .svg, .png, .html or .json",
            file=str(target),
        )
    return write_atomic(target, render(chart, fmt, scale=scale))


def _find_data(node: Any, name: str) -> list[dict[str, Any]] | None:
    if isinstance(node, dict):
        data = node.get("data")
        if isinstance(data, dict) and data.get("name") == name and "values" in data:
            return list(data["values"])
        for value in node.values():
            found = _find_data(value, name)
            if found is not None:
                return found
    elif isinstance(node, list):
        for value in node:
            found = _find_data(value, name)
            if found is not None:
                return found
    return None


def table_of(vega_lite: Mapping[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns and rows a table fallback shows (the dataset ``usermeta`` names)."""
    name = ((vega_lite.get("usermeta") or {}).get("airace") or {}).get("table")
    rows = _find_data(dict(vega_lite), str(name)) if name else None
    if not rows:
        return [], []
    columns = list(dict.fromkeys(k for row in rows for k in row if k not in ("zero", "label")))
    return columns, rows
