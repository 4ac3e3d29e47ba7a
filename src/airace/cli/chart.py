"""`airace chart KIND`: any analysis as a chart file (SVG, PNG, HTML or Vega-Lite JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from airace.cli.common import DATE, info, split_list

KIND_NAMES = [
    "frontier",
    "lag",
    "cadence",
    "sensitivity",
    "hardware",
    "budget",
    "compute-share",
    "events",
    "fan",
    "tornado",
]


@click.command()
@click.argument("kind", type=click.Choice(KIND_NAMES))
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Chart file: .svg, .png, .html (self-contained) or .json (Vega-Lite).",
)
@click.option("--as-of", type=DATE, default=None, help="Date to evaluate.")
@click.option("--since", type=DATE, default=None, help="Start of the period.")
@click.option("--until", type=DATE, default=None, help="End of the period (lag, scenarios).")
@click.option("--metric", default=None, help="frontier/lag: eci, gpqa_diamond, ...")
@click.option("--groups", default=None, help="frontier/lag: country:US,CN (leader first).")
@click.option("--source", default=None, help="frontier/lag: score source.")
@click.option(
    "--setting",
    default=None,
    help="frontier/lag: score setting (default like-for-like; see airace gap).",
)
@click.option("--window", default=None, help="cadence: window ending at --as-of (14M).")
@click.option("--labs", default=None, help="cadence: comma-separated labs.")
@click.option("--rule", default=None, help="cadence: counting rule.")
@click.option("--by", type=click.Choice(["lab", "country"]), default=None)
@click.option("--base", default=None, help="hardware: the reference chip or system.")
@click.option("--other", default=None, help="hardware: the chip or system compared.")
@click.option("--precision", default=None, help="hardware/budget: bf16, fp8, fp4, ...")
@click.option("--usd", type=float, default=None, help="budget: dollars.")
@click.option("--chip", default=None, help="budget: chip id.")
@click.option("--scenario", default=None, help="fan/tornado: bundled scenario or YAML file.")
@click.option(
    "--paths",
    type=click.IntRange(2, 1_000_000),
    default=None,
    help="fan/tornado: Monte-Carlo paths (default 10,000).",
)
@click.option("--seed", type=int, default=None, help="fan/tornado: random seed (default 0).")
@click.option("--ratio", is_flag=True, help="fan: China's stock as a share of the US's.")
def chart(kind: str, output: Path, labs: str | None, **options: Any) -> None:
    """Draw one analysis as a chart with its parameters in the title and its sources and
    licences in the footer. SVG and PNG are rendered offline (vl-convert).

    \b
    Examples:
      airace chart cadence --as-of 2026-03-03 --window 14M --labs deepseek,openai -o c.svg
      airace chart sensitivity --as-of 2026-03-03 --labs deepseek,openai,google -o s.png
      airace chart frontier --metric gpqa_diamond --as-of 2026-03-03 -o frontier.html
      airace chart lag --metric gpqa_diamond --since 2025-01-01 --until 2026-03-03 -o lag.svg
      airace chart hardware --base gb200-nvl72 --other cloudmatrix-384 -o hw.svg
      airace chart budget --usd 1e9 --chip b200 -o budget.svg
      airace chart events --since 2022-10-01 -o events.svg
      airace chart fan --scenario baseline --ratio -o fan.svg
      airace chart tornado --scenario commentary -o tornado.png
    """
    from airace.render.charts import save
    from airace.render.evidence import chart as draw
    from airace.service.data import default_data

    figure = draw(kind, default_data(), labs=split_list(labs) or None, **options)
    path = save(figure, output)
    info(f"wrote {path}")
