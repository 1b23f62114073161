"""Actor recognition against the shipped (and user-extendable) actor dictionary."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from frontline.records import Actor

GENERIC_KINDS = {"generic_state", "generic_armed", "generic_rebel"}


@dataclass
class ActorEntry:
    name: str
    kind: str
    country: str | None
    aliases: list[str]
    part_of: list[str] = field(default_factory=list)
    collective: bool = False  # the umbrella name for a country's rebel groups (UCDP's "Syrian insurgents")


class ActorDictionary:
    """Canonical actors with aliases; finds them in text, longest match first."""

    def __init__(self, entries: list[ActorEntry]):
        self.entries = {e.name: e for e in entries}
        exact, folded = [], []
        self._alias_to_name: dict[str, str] = {}
        for entry in entries:
            for alias in {entry.name, *entry.aliases}:
                if _is_acronym(alias):
                    exact.append(alias)
                    self._alias_to_name[alias] = entry.name
                else:
                    folded.append(alias)
                    self._alias_to_name.setdefault(_folded_key(alias), entry.name)
        self._exact = _alternation(exact, flags=0)
        self._folded = _alternation(folded, flags=re.IGNORECASE)
        self._by_country = {e.country: e.name for e in entries if e.kind == "state_forces" and e.country}

    @classmethod
    def load(cls, extra: str | Path | None = None) -> "ActorDictionary":
        text = resources.files("frontline.data").joinpath("actors.yaml").read_text(encoding="utf-8")
        entries = _parse(yaml.safe_load(text), "actors.yaml")
        if extra:
            with open(extra, encoding="utf-8") as fh:
                more = _parse(yaml.safe_load(fh), str(extra))
            merged = {e.name: e for e in entries}
            for e in more:
                if e.name in merged:
                    merged[e.name].aliases = sorted(set(merged[e.name].aliases) | set(e.aliases))
                else:
                    merged[e.name] = e
            entries = list(merged.values())
        return cls(entries)

    def canonical(self, name: str) -> str | None:
        """The canonical name for an alias or a name (None when unknown)."""
        if name in self.entries:
            return name
        return self._alias_to_name.get(name) or self._alias_to_name.get(_folded_key(name))

    def government_of(self, country: str | None) -> str | None:
        """The state-forces actor of a country ("Government of Tunisia"), when the dictionary has one."""
        if not country:
            return None
        return self._by_country.get(country) or next(
            (e.name for e in self.entries.values() if e.country == country and e.kind in ("state_forces", "external_forces")), None)

    def collective_of(self, country: str | None) -> str | None:
        """The umbrella actor for a country's rebel groups, when the dictionary names one."""
        return next((e.name for e in self.entries.values() if e.collective and e.country == country), None)

    def find(self, text: str) -> list[Actor]:
        """Non-overlapping actor mentions in ``text``, in text order; the longer of two overlapping wins."""
        spans = []
        for regex in (self._exact, self._folded):
            if regex is None:
                continue
            for m in regex.finditer(text):
                alias = m.group(1)
                name = self._alias_to_name.get(alias) or self._alias_to_name.get(_folded_key(alias))
                if name:
                    spans.append((m.start(1), m.end(1), alias, name))
        # the longest mentions win overlaps, then they are read in text order
        chosen: list[tuple] = []
        for span in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0])):
            if not any(span[0] < c[1] and c[0] < span[1] for c in chosen):
                chosen.append(span)
        found: list[Actor] = []
        for start, end, alias, name in sorted(chosen):
            entry = self.entries[name]
            previous = found[-1] if found else None
            if previous is not None and entry.kind in GENERIC_KINDS and previous.kind not in GENERIC_KINDS \
                    and not text[previous.end:start].strip():
                # "ISIL fighters", "Daesh militants": the generic noun belongs to the named actor
                previous.end, previous.mention = end, text[previous.start:end]
            else:
                found.append(Actor(actor_id=name, name=name, start=start, end=end, mention=alias,
                                   kind=entry.kind, country=entry.country))
        return found


def _folded_key(alias: str) -> str:
    """"Ahrar al-Sham", "ahrar al Sham" and "Ahrar al_Sham" are one alias."""
    return re.sub(r"[-‐‑_\s]+", " ", alias.lower())


def _is_acronym(alias: str) -> bool:
    return len(alias) <= 5 and alias.replace(".", "").isupper()


def _alternation(aliases: list[str], flags: int) -> re.Pattern | None:
    if not aliases:
        return None
    # "al-Sham" is also written "al Sham", "al‐Sham" and, by a slip, "al_Sham"
    body = "|".join(re.sub(r"[’']", "['’]", re.escape(a).replace(r"\ ", r"\s+").replace(r"\-", r"[-‐‑_\s]"))
                    for a in sorted(set(aliases), key=len, reverse=True))
    # a lookahead finds a match at every position, so that "the Islamic State" does not hide
    # "Islamic State in Iraq and the Levant" starting inside it
    return re.compile(rf"(?<![\w-])(?=((?:{body}))(?![\w-]))", flags)


def _parse(data: dict, source: str) -> list[ActorEntry]:
    if not isinstance(data, dict) or not isinstance(data.get("actors"), list):
        raise ValueError(f"{source}: expected a mapping with an 'actors' list")
    entries = []
    for i, row in enumerate(data["actors"]):
        if not isinstance(row, dict) or "name" not in row:
            raise ValueError(f"{source}: actor entry {i} has no 'name'")
        entries.append(ActorEntry(name=str(row["name"]), kind=str(row.get("kind", "armed_group")),
                                  country=row.get("country"), aliases=[str(a) for a in row.get("aliases") or []],
                                  part_of=list(row.get("part_of") or []), collective=bool(row.get("collective"))))
    return entries


@lru_cache(maxsize=4)
def actor_dictionary(extra: str | None = None) -> ActorDictionary:
    return ActorDictionary.load(extra)


def find_actors(text: str, extra: str | None = None) -> list[Actor]:
    return actor_dictionary(extra).find(text)
