"""Matching external names to our ids through explicit alias tables.

Organisation names map through ``orgs.org_name`` and ``orgs.aliases``; model names through
``model_aliases`` and an exact match on our model ids and names after normalisation
(lowercase, punctuation removed). A name that does not match is reported, never dropped.
Multi-organisation cells ("Google DeepMind,Google Research") are split on commas and every
part is matched: a row can belong to several labs, and to several countries.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Any

# Epoch spells some countries in ways pycountry's lookup does not accept.
COUNTRY_SPELLINGS = {
    "korea (republic of)": "KR",
    "south korea": "KR",
    "russia": "RU",
    "taiwan": "TW",
    "hong kong": "HK",
    "iran": "IR",
    "vietnam": "VN",
    "turkey": "TR",
    "uk": "GB",
    "usa": "US",
    "us": "US",
}
NOT_A_COUNTRY = {"multinational", "international", "unknown", "global"}


def norm(name: str) -> str:
    """Normalised name for matching: lowercase letters, digits and dots only."""
    return re.sub(r"[^a-z0-9.]", "", name.casefold())


def loose(name: str) -> str:
    """A looser key that also drops dots ("claude-3-5-sonnet" ~ "Claude 3.5 Sonnet")."""
    return re.sub(r"[^a-z0-9]", "", name.casefold())


@cache
def country_code(name: str) -> str | None:
    """ISO alpha-2 code for a country name as datasets spell it (None when not a country)."""
    key = name.strip().casefold()
    if not key or key in NOT_A_COUNTRY:
        return None
    if key in COUNTRY_SPELLINGS:
        return COUNTRY_SPELLINGS[key]
    import pycountry

    try:
        return str(pycountry.countries.lookup(name.strip()).alpha_2)
    except LookupError:
        return None


def split_multi(cell: str | None) -> list[str]:
    if not cell:
        return []
    return [part.strip() for part in cell.split(",") if part.strip()]


@dataclass
class Crosswalk:
    """Lookups built from the curated orgs, releases and model_aliases tables."""

    org_by_name: dict[str, str]
    country_by_org: dict[str, str]
    model_by_name: dict[str, str]
    model_by_alias: dict[tuple[str, str], str]
    unmatched: Counter[tuple[str, str]] = field(default_factory=Counter)

    @classmethod
    def from_catalog(cls, con: Any) -> Crosswalk:
        orgs = con.execute("SELECT org_id, org_name, aliases, country FROM orgs").fetchall()
        org_by_name: dict[str, str] = {}
        country_by_org: dict[str, str] = {}
        for org_id, org_name, aliases, country in orgs:
            country_by_org[org_id] = country
            for name in [org_id, org_name, *(aliases or [])]:
                org_by_name.setdefault(name.casefold(), org_id)
                org_by_name.setdefault(norm(name), org_id)
        model_by_name: dict[str, str] = {}
        loose_keys: dict[str, set[str]] = {}
        for model_id, model_name in con.execute(
            "SELECT model_id, model_name FROM releases ORDER BY release_date"
        ).fetchall():
            model_by_name.setdefault(norm(model_id), model_id)
            model_by_name.setdefault(norm(model_name), model_id)
            for name in (model_id, model_name):
                loose_keys.setdefault(loose(name), set()).add(model_id)
        # the dot-less key is used only where it names a single model
        for key, ids in loose_keys.items():
            if len(ids) == 1:
                model_by_name.setdefault("~" + key, next(iter(ids)))
        aliases = {}
        has_aliases = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name='model_aliases'"
        ).fetchone()[0]
        if has_aliases:
            for source, external, model_id in con.execute(
                "SELECT source, external_name, model_id FROM model_aliases"
            ).fetchall():
                aliases[(source, external.casefold())] = model_id
        return cls(org_by_name, country_by_org, model_by_name, aliases)

    def orgs(self, cell: str | None, source: str) -> list[str]:
        """org_ids for an organisation cell; unmatched parts are counted for the report."""
        found: list[str] = []
        for part in split_multi(cell):
            org_id = self.org_by_name.get(part.casefold()) or self.org_by_name.get(norm(part))
            if org_id:
                if org_id not in found:
                    found.append(org_id)
            else:
                self.unmatched[("org", part)] += 1
        return found

    def countries(self, cell: str | None, org_ids: list[str]) -> list[str]:
        """ISO codes from the source's country cell, else from our orgs' countries."""
        codes: list[str] = []
        for part in split_multi(cell):
            code = country_code(part)
            if code and code not in codes:
                codes.append(code)
        if not codes:
            for org_id in org_ids:
                code = self.country_by_org.get(org_id)
                if code and code not in codes:
                    codes.append(code)
        return codes

    def lookup(self, source: str, *names: str | None) -> str | None:
        """Our model_id for the first of ``names`` that matches (alias table first)."""
        for candidate in names:
            if not candidate:
                continue
            hit = self.model_by_alias.get((source, candidate.casefold()))
            if hit:
                return hit
            hit = self.model_by_name.get(norm(candidate)) or self.model_by_name.get(
                "~" + loose(candidate)
            )
            if hit:
                return hit
        return None

    def resolve(self, row: dict[str, Any], count: bool = True) -> dict[str, Any]:
        """Fill a row's org_ids, countries and model_id from its original names.

        Rows keep ``organization``, ``country_raw``, ``match_names`` (candidate model names,
        best first) and ``match_source`` (whose alias table applies), so the crosswalk can be
        re-run whenever the curated aliases change.
        """
        org_ids = self.orgs(row.get("organization"), row.get("match_source") or "")
        row["org_ids"] = org_ids
        row["countries"] = self.countries(row.get("country_raw"), org_ids)
        names = row.get("match_names") or []
        row["model_id"] = self.lookup(row.get("match_source") or "", *names)
        if row["model_id"] is None and names and count:
            self.unmatched[("model", names[0])] += 1
        return row

    def model(self, name: str | None, source: str, *more: str | None) -> str | None:
        """Like :meth:`lookup`, but an unmatched name is counted for the report."""
        hit = self.lookup(source, name, *more)
        if hit is None and name:
            self.unmatched[("model", name)] += 1
        return hit
