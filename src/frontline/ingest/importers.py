"""Importers for human-coded event data: UCDP GED and ACLED CSV exports -> ``Event`` records.

Both readers accept plain or gzip CSV (RFC 4180: quoted fields may hold commas, quotes and
line breaks). A row that cannot be mapped is reported on stderr as one line naming the file and
the row (``file:row N (line L): reason``) and the batch goes on; the messages are also collected
in the ``errors`` list when one is passed.

Actor names are mapped to frontline's canonical names through the actor dictionary
(``frontline.nlp.actors``) when it is available, else through the small ``FALLBACK_ACTORS``
table below (the one place where that mapping lives).

UCDP -> ACLED event types (UCDP has no territorial coding; the headline refines it):

* type_of_violence 1 and 2 (state-based, non-state): ``Battles`` / ``Armed clash``; if the first
  headline speaks of air strikes, shelling or bombardment: ``Explosions/Remote violence`` /
  ``Air/drone strike`` or ``Shelling/artillery/missile attack`` (side A attacker, side B target);
  mines, IEDs, car bombs, explosions: ``Remote explosive/landmine/IED`` / ``Suicide bomb``;
  a capture verb ("takes control", "captures", "seizes", "recaptures", "liberates", "expels")
  with a dyad side named in the headline before it: ``Non-state actor overtakes territory`` or
  ``Government regains territory`` with that side as actor1.
* type 3 (one-sided): ``Violence against civilians`` / ``Attack`` (or the explosion types above).
"""
from __future__ import annotations

import csv
import gzip
import io
import re
import sys
from pathlib import Path

from frontline.records import (
    GEO_PRECISION_NEAR, GEO_PRECISION_REGION, GEO_PRECISION_TOWN, TIME_PRECISION_DAY, TIME_PRECISION_MONTH,
    TIME_PRECISION_UNKNOWN, TIME_PRECISION_WEEK, Event, Place,
)

csv.field_size_limit(sys.maxsize)

# Used only when frontline.nlp.actors is not importable.
FALLBACK_ACTORS = {
    "IS": "Islamic State", "ISIS": "Islamic State", "ISIL": "Islamic State", "Daesh": "Islamic State",
    "Islamic State (Libya)": "Islamic State", "Islamic State (Syria)": "Islamic State",
    "Government of United States of America": "Government of the United States",
}


def _dictionary():
    try:
        from frontline.nlp.actors import actor_dictionary
        return actor_dictionary()
    except Exception:  # the actor stage is optional for importing
        return None


def canonical_actor(name: str | None, dictionary=None) -> str | None:
    """Canonical frontline name for a UCDP / ACLED actor name (the name itself when unknown)."""
    if name is None:
        return None
    name = str(name).strip()
    if not name or name.lower() in ("nan", "none"):
        return None
    if name in FALLBACK_ACTORS and dictionary is None:
        return FALLBACK_ACTORS[name]
    if dictionary is not None:
        for cand in (name, re.sub(r"\s*\([^)]*\)", "", name).strip()):
            hit = dictionary.canonical(cand) if cand else None
            if hit:
                return hit
    return FALLBACK_ACTORS.get(name) or FALLBACK_ACTORS.get(re.sub(r"\s*\([^)]*\)", "", name).strip()) or name


def _open_text(path: Path) -> io.TextIOBase:
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", errors="replace", newline="")
    return open(path, encoding="utf-8-sig", errors="replace", newline="")


def _rows(path: Path, required: tuple[str, ...], errors: list[str] | None):
    """Yield (row_number, line_number, dict) for each CSV record; reports short/long rows."""
    with _open_text(path) as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            return
        header = [h.strip() for h in header]
        missing = [c for c in required if c not in header]
        if missing:
            raise ValueError(f"{path}: not the expected CSV layout, missing column(s) {', '.join(missing)}")
        n = len(header)
        row_no = 0
        while True:
            try:
                rec = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                row_no += 1
                _report(errors, f"{path}:row {row_no} (line {reader.line_num}): unreadable CSV: {exc}")
                continue
            row_no += 1
            if not rec or all(not c.strip() for c in rec):
                continue
            if len(rec) != n:
                _report(errors, f"{path}:row {row_no} (line {reader.line_num}): {len(rec)} fields, expected {n}")
                continue
            yield row_no, reader.line_num, dict(zip(header, rec))


def _report(errors: list[str] | None, msg: str) -> None:
    print(f"warning: {msg}", file=sys.stderr)
    if errors is not None:
        errors.append(msg)


def _num(v, kind=float):
    if v is None:
        return None
    v = str(v).strip()
    if v == "" or v.lower() in ("na", "nan", "null"):
        return None
    return kind(float(v))


def _iso_date(v: str) -> str:
    v = str(v).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T].*)?", v):
        return v[:10]
    from datetime import datetime
    for fmt in ("%d %B %Y", "%d-%B-%Y", "%d/%m/%Y", "%Y/%m/%d", "%d %b %Y", "%d-%b-%Y", "%m/%d/%Y"):
        try:
            return datetime.strptime(v, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"unrecognised date {v!r}")


def _country_code(name: str | None, numeric: str | None = None) -> str | None:
    try:
        import pycountry
    except ImportError:  # pragma: no cover
        return None
    if numeric:
        try:
            c = pycountry.countries.get(numeric=f"{int(float(numeric)):03d}")
            if c:
                return c.alpha_2
        except (ValueError, LookupError):
            pass
    if name:
        try:
            return pycountry.countries.lookup(name.strip()).alpha_2
        except LookupError:
            try:
                return pycountry.countries.search_fuzzy(name.strip())[0].alpha_2
            except LookupError:
                return None
    return None


# ---- UCDP GED -------------------------------------------------------------------------

UCDP_REQUIRED = ("id", "type_of_violence", "side_a", "side_b", "latitude", "longitude", "date_start")
_DATE_PREC = {1: TIME_PRECISION_DAY, 2: TIME_PRECISION_WEEK, 3: TIME_PRECISION_WEEK, 4: TIME_PRECISION_MONTH,
              5: TIME_PRECISION_UNKNOWN}
_WHERE_PREC = {1: GEO_PRECISION_TOWN, 2: GEO_PRECISION_NEAR}

_AIR = re.compile(r"\b(air ?strikes?|air raids?|warplanes?|aerial|airplanes?|helicopters?|drones?|bombard\w*|barrel bombs?)\b", re.I)
_SHELL = re.compile(r"\b(shell(?:s|ing|ed)?|artillery|rockets?|missiles?|mortars?)\b", re.I)
_MINE = re.compile(r"\b(mines?|landmines?|ied|explosive devices?|booby[- ]trap\w*|explosions?|detonat\w*)\b", re.I)
_SUICIDE = re.compile(r"\b(suicide|car bombs?|booby[- ]trapped (?:car|vehicle)|vbied|blow themselves up)\b", re.I)
_CAPTURE = re.compile(r"\b(takes? control|took control|taking control|tak(?:e|es|ing) over|took over|captur\w*|seiz\w*|"
                      r"recaptur\w*|retak\w*|regain\w*|liberat\w*|expel\w*|storm\w*|full control|fully control\w*)\b", re.I)


_UNSETTLED = "\x00?"


_PLACE_NOISE = re.compile(r"\b(town|village|city|district|sub-district|governorate|area|camp|road|between|and|near|"
                          r"eastern|western|northern|southern|central|outskirts|of|the|al|ar|as|an|ad|at|az|el|"
                          r"ash|adh|ath)\b", re.I)


def _mentions_place(headline: str, where: str) -> bool:
    """Does the headline name the coded place (any 4-letter stem of a word of where_coordinates)?"""
    if not headline:
        return False
    words = [w for w in re.split(r"[\s/,()-]+", _PLACE_NOISE.sub(" ", where)) if len(w) >= 4]
    low = headline.lower()
    return any(w[:4].lower() in low for w in words)


def _first_headline(row: dict) -> str:
    text = (row.get("source_headline") or "").strip()
    return text.split(";")[0].strip() if text else ""


def _actor_positions(text: str, names: list[str], dictionary) -> dict[str, int]:
    """Earliest position in ``text`` at which each canonical name in ``names`` is mentioned."""
    pos: dict[str, int] = {}
    if dictionary is not None:
        try:
            for a in dictionary.find(text):
                if a.name in names and a.name not in pos:
                    pos[a.name] = a.start
        except Exception:
            pass
    for n in names:
        if n not in pos:
            m = re.search(re.escape(n), text, re.I)
            if m:
                pos[n] = m.start()
    return pos


def _strike(a1: str | None, a2: str | None, sub: str) -> tuple[str, str, str | None, str | None]:
    """A strike from afar: the attacker is the side with aircraft and guns, a government; when neither
    side is a state (a third party's strike), read_ucdp settles the target afterwards."""
    g1 = bool(a1 and a1.lower().startswith("government"))
    g2 = bool(a2 and a2.lower().startswith("government"))
    if g2 and not g1:
        return "Explosions/Remote violence", sub, a2, a1
    if g1:
        return "Explosions/Remote violence", sub, a1, a2
    return "Explosions/Remote violence", sub, a1, (a2 + _UNSETTLED) if a2 else a2


def _ucdp_types(row: dict, a1: str | None, a2: str | None, dictionary) -> tuple[str, str, str | None, str | None]:
    tov = int(float(row["type_of_violence"]))
    head = _first_headline(row)
    offices = (row.get("source_office") or "").lower().replace(" ", "")
    if tov in (1, 2) and "airwars" in offices:
        # Airwars only records the civilian toll of air strikes: the event involved strikes from the air
        return _strike(a1, a2, "Air/drone strike")
    if not _mentions_place(head, row.get("where_coordinates") or ""):
        # the headline is about somewhere else (SOHR daily tolls, other fronts): keep the base type
        head = ""
    if _SUICIDE.search(head):
        return "Explosions/Remote violence", "Suicide bomb", a1, a2
    cap = _CAPTURE.search(head)
    if cap and tov in (1, 2):
        names = [n for n in (a1, a2) if n]
        pos = _actor_positions(head[:cap.start()], names, dictionary)
        if pos:
            winner = min(pos, key=pos.get)
            loser = a2 if winner == a1 else a1
            sub = ("Government regains territory" if winner.lower().startswith("government")
                   else "Non-state actor overtakes territory")
            return "Battles", sub, winner, loser
    if tov in (1, 2):
        remote = ("Air/drone strike" if _AIR.search(head)
                  else "Shelling/artillery/missile attack" if _SHELL.search(head) else None)
        if remote:
            return _strike(a1, a2, remote)
    if _MINE.search(head):
        return "Explosions/Remote violence", "Remote explosive/landmine/IED", a1, a2
    if tov == 3:
        return "Violence against civilians", "Attack", a1, a2
    return "Battles", "Armed clash", a1, a2


def ucdp_event(row: dict, dictionary=None) -> Event:
    uid = str(row["id"]).strip()
    if not uid:
        raise ValueError("empty id")
    lat, lon = _num(row["latitude"]), _num(row["longitude"])
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"bad coordinates {row.get('latitude')!r}, {row.get('longitude')!r}")
    start = _iso_date(row["date_start"])
    end = _iso_date(row["date_end"]) if (row.get("date_end") or "").strip() else start
    date_prec = _num(row.get("date_prec"), int) or (1 if start == end else 4)
    where_prec = _num(row.get("where_prec"), int) or 1
    a1 = canonical_actor(row.get("side_a"), dictionary)
    a2 = canonical_actor(row.get("side_b"), dictionary)
    et, st, actor1, actor2 = _ucdp_types(row, a1, a2, dictionary)
    country = _country_code(row.get("country"))
    geo_prec = _WHERE_PREC.get(where_prec, GEO_PRECISION_REGION)
    name = (row.get("where_coordinates") or "").strip() or None
    place = Place(geonameid=None, name=name or f"{lat:.4f},{lon:.4f}", lat=lat, lon=lon, country=country,
                  admin1=(row.get("adm_1") or "").strip() or None, geo_precision=geo_prec)
    headline = (row.get("source_headline") or "").strip()
    quote = headline[:1000]
    clarity = _num(row.get("event_clarity"), int)
    notes = (f"UCDP GED {uid}; type_of_violence {row['type_of_violence']}; dyad {row.get('dyad_name', '')}; "
             f"where_prec {where_prec} ({name}); date_prec {date_prec}, {start}..{end}; "
             f"sources: {row.get('source_article', '')[:1500]}")
    return Event(
        event_id=f"ucdp:{uid}", doc_id=f"ucdp:{uid}", sentence=0, char_start=0, char_end=len(quote), quote=quote,
        event_date=start, time_precision=_DATE_PREC.get(date_prec, TIME_PRECISION_UNKNOWN), event_type=et,
        sub_event_type=st, actor1=actor1, actor2=actor2, place=place, location=name, geo_precision=geo_prec,
        geo_score=1.0, fatalities_low=_num(row.get("low"), int), fatalities_best=_num(row.get("best"), int),
        fatalities_high=_num(row.get("high"), int), certainty="reported" if clarity in (None, 1) else "hedged",
        attributed_to=(row.get("source_original") or "").strip() or None, modality="occurred", origin="ucdp",
        source=(row.get("source_office") or "").strip() or None, notes=notes, score=1.0,
    )


def read_ucdp(path: str | Path, errors: list[str] | None = None) -> list[Event]:
    """UCDP GED CSV (plain or .gz) -> events; bad rows are reported and skipped."""
    path = Path(path)
    dictionary = _dictionary()
    out = []
    for row_no, line_no, row in _rows(path, UCDP_REQUIRED, errors):
        try:
            out.append(ucdp_event(row, dictionary))
        except (ValueError, KeyError, TypeError) as exc:
            _report(errors, f"{path}:row {row_no} (line {line_no}): {exc}")
    _settle_strike_targets(out)
    return out


def _settle_strike_targets(events: list[Event]) -> None:
    """Strikes in a dyad of two non-state sides (e.g. coalition aircraft in an IS - SDF dyad): the
    target is taken to be the side that is the target of state strikes more often in the same file;
    the other side is recorded as actor1 (the side the strike helped) and the note says so."""
    targets: dict[str, int] = {}
    for e in events:
        if e.event_type == "Explosions/Remote violence" and e.actor2 and not e.actor2.endswith(_UNSETTLED):
            targets[e.actor2] = targets.get(e.actor2, 0) + 1
    for e in events:
        if e.actor2 and e.actor2.endswith(_UNSETTLED):
            a1, a2 = e.actor1, e.actor2[: -len(_UNSETTLED)]
            if a1 and targets.get(a1, 0) > targets.get(a2, 0):
                a1, a2 = a2, a1
            e.actor1, e.actor2 = a1, a2
            e.notes = (e.notes or "") + f"; strike by a third party: target taken to be {a2} (most often struck)"


# ---- ACLED ----------------------------------------------------------------------------

ACLED_REQUIRED = ("event_date", "event_type", "actor1", "latitude", "longitude")


def acled_event(row: dict, dictionary=None) -> Event:
    rid = (row.get("event_id_cnty") or row.get("data_id") or row.get("event_id") or "").strip()
    if not rid:
        raise ValueError("no event_id_cnty / data_id")
    lat, lon = _num(row["latitude"]), _num(row["longitude"])
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"bad coordinates {row.get('latitude')!r}, {row.get('longitude')!r}")
    day = _iso_date(row["event_date"])
    et = (row.get("event_type") or "").strip()
    if not et:
        raise ValueError("empty event_type")
    tp = _num(row.get("time_precision"), int) or 1
    gp = _num(row.get("geo_precision"), int) or 1
    country = _country_code(row.get("country"), row.get("iso"))
    location = (row.get("location") or "").strip() or None
    place = Place(geonameid=None, name=location or f"{lat:.4f},{lon:.4f}", lat=lat, lon=lon, country=country,
                  admin1=(row.get("admin1") or "").strip() or None, geo_precision=min(max(gp, 1), 3))
    notes = (row.get("notes") or "").strip()
    fat = _num(row.get("fatalities"), int)
    return Event(
        event_id=f"acled:{rid}", doc_id=f"acled:{rid}", sentence=0, char_start=0, char_end=len(notes[:1000]),
        quote=notes[:1000], event_date=day, time_precision=min(max(tp, 1), 4), event_type=et,
        sub_event_type=(row.get("sub_event_type") or "").strip(),
        actor1=canonical_actor(row.get("actor1"), dictionary), actor2=canonical_actor(row.get("actor2"), dictionary),
        place=place, location=location, geo_precision=min(max(gp, 1), 3), geo_score=1.0,
        fatalities_low=fat, fatalities_best=fat, fatalities_high=fat, certainty="reported",
        attributed_to=None, modality="occurred", origin="acled", source=(row.get("source") or "").strip() or None,
        notes=notes or None, score=1.0,
    )


def read_acled(path: str | Path, errors: list[str] | None = None) -> list[Event]:
    """ACLED CSV export (plain or .gz) -> events; bad rows are reported and skipped."""
    path = Path(path)
    dictionary = _dictionary()
    out = []
    for row_no, line_no, row in _rows(path, ACLED_REQUIRED, errors):
        try:
            out.append(acled_event(row, dictionary))
        except (ValueError, KeyError, TypeError) as exc:
            _report(errors, f"{path}:row {row_no} (line {line_no}): {exc}")
    return out
