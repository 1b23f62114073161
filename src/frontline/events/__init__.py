"""Event coder: sentences with a trigger, an actor and a resolved place become ACLED-style events.

Public surface: :func:`extract_events`. Only asserted statements become events;
future, conditional, hypothetical, negated and rhetorical ones are left to the
claims ledger. Every event keeps its sentence, offsets and quote.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import date
from functools import lru_cache
from importlib import resources

from frontline.geo.normalize import fold
from frontline.nlp.actors import GENERIC_KINDS
from frontline.nlp import (ActorDictionary, Trigger, actor_dictionary, attribution, certainty, event_date,
                           fatalities, find_dates, find_triggers, modality, paragraphs,
                           split_sentences)
from frontline.records import (GEO_PRECISION_NEAR, GEO_PRECISION_REGION, Actor, Document, Event, Place,
                               ResolvedDate, Toponym)

# Places never used as an event location: seas, continents, macro-regions without a country.
_NON_LOCATION_CODES = {"CONT", "OCN", "SEA", "GULF", "BAY", "STRT", "RGN", "RGNH", "AREA"}
# Words just before a place that make it an origin or a distance reference, never the event's location.
_ORIGIN_BEFORE = re.compile(
    r"(?:\bfrom|far (?:to the \w+ )?(?:of|from)|(?:miles|km|kilomet(?:re|er)s)\s+(?:\(\d+ \w+\)\s+)?(?:from|of|(?:to the )?"
    r"(?:north|south|east|west|north-east|north-west|south-east|south-west|northeast|northwest|southeast|southwest) of)|"
    r"between|towards?|border with|based in|the road to|"
    r"from (?:the )?(?:(?-i:[A-Z])[\w-]*\s+(?:and\s+)?){0,4}(?:provinces?|regions?|areas?|parts?|cities|towns?|countries) of)\s+(?:the\s+)?$",
    re.I)
# Words that put the event near a place rather than in it ("south of Misrata", "near Derna").
_NEAR_BEFORE = re.compile(
    r"(?:vicinity of|near|outside|close to|outskirts of|countryside of|region of|area of|around|"
    r"(?:north|south|east|west|north-east|north-west|south-east|south-west|northeast|northwest|southeast|southwest)"
    r"(?:ern)?(?: part)? of|to the (?:north|south|east|west) of)\s+(?:the\s+)?$", re.I)
_COUNTRY_CODES = {"PCLI", "PCL", "PCLD", "PCLF", "PCLS", "PCLIX", "TERR"}
_CALENDAR_WORDS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                   "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_DIRECTION_WORDS = {"eastern", "western", "northern", "southern", "central", "north", "south", "east", "west",
                    "northeast", "northwest", "southeast", "southwest", "upper", "lower", "greater"}
# A dateline ("TUNIS - ", "SIRTE, Libya, June 10, 2015 - ") says where a report was filed, not where events were.
_DATELINE = re.compile(r"^[A-Z][A-Z .'’-]{1,40}(?:,\s*[A-Z][\w .]{1,30})?(?:,\s*[A-Z][a-z]{2,9}\.?\s+\d{1,2},?\s+\d{4})?\s*[-–—]\s")
# A named building ("the Ouagadougou conference centre", "the Cordoba mosque") is not its namesake town.
_FACILITY_AFTER = re.compile(r"^\s+(?:conference|congress|convention|centre|center|hall|hotel|mosque|church|museum|hospital|"
                             r"university|college|school|stadium|street|road|avenue|square|bank|company|club|brigade|battalion|"
                             r"camp|prison|palace|cinema|theatre|theater|market|tower|building)\b", re.I)
_REGION_AFTER = re.compile(r"^\s+(?:region|province|governorate|district|area|countryside|basin|desert)\b", re.I)
# "Sirte's Ibn Sina hospital", "several Sirte neighbourhoods": a site inside the place, not the whole of it
_SITE_AFTER = re.compile(r"^(?:[’']s\s|\s+(?:neighbou?rhoods?|districts?|quarters?|suburbs?|outskirts|seafront|port|harbou?r|"
                         r"airport|air ?base|university|hospital|prison|old city)\b)", re.I)
# "captured radio and TV stations in Sirte", "seized the hospital of Derna": the object is a site in the place
_SITE_BEFORE = re.compile(r"^\s+(?:[\w-]+\s+){0,5}?(?:stations?|buildings?|hospitals?|offices?|compounds?|headquarters|"
                          r"facilit(?:y|ies)|neighbou?rhoods?|districts?|quarters?|houses?|positions?|checkpoints?|cent(?:re|er)s?|complex(?:es)?|"
                          r"bases?|airports?|ports?|camps?|hotels?|prisons?|universit(?:y|ies)|schools?|mosques?)\s+"
                          r"(?:in|of|at|on the outskirts of)\s+(?:the\s+)?(?:city of\s+|town of\s+)?$", re.I)


def _part_of(t: Toponym, text: str, lead: str = "") -> bool:
    """Does the text name only a part of the place: its region ("Homs countryside"), a site in it ("Sirte's
    hospital", "Sirte neighbourhoods"), or, in ``lead`` (the words from the trigger to the place), a site
    the trigger's object lies in ("captured radio and TV stations in Sirte")?"""
    after = text[t.end:t.end + 20]
    return bool(_REGION_AFTER.match(after) or _SITE_AFTER.match(after) or (lead and _SITE_BEFORE.search(lead)))


_HISTORICAL = re.compile(r"\b(?:\d{1,2}(?:st|nd|rd|th) century|centuries|millenni(?:um|a)|in their heyday|Middle Ages|"
                         r"(?:ancient|medieval|Ottoman) (?:times|world|era|period|empire|conquest|rule|history|Rome|"
                         r"Greece|Egypt|Carthage))\b", re.I)  # "an ancient palace" is a place today
_CONFIDENT = 0.5  # geoparse score above which a place abroad is believed even in a report about elsewhere
_EFFECT_RANK = {"take": 0, "retake": 0, "attack": 1, "contest": 2, "casualties": 3, "retreat": 3, "presence": 4, "none": 5}
_INTRODUCED = re.compile(r"(?:named|called|known as|including|such as|among them|led by)\s+[“\"']?$", re.I)
_COORDINATION = re.compile(r"^\s*(?:,|and|or|, and|, or)\s*$")
_PASSIVE_AUX = re.compile(r"\b(?:was|were|been|being|is|are|got)\s+(?:\w+ly\s+)?$", re.I)
_PARTICIPLE = re.compile(r"(?:\w+(?:ed|en|wn|un)|hit|struck|shot|held|won|caught|fought)\b", re.I)
_REDUCED_PASSIVE_NEXT = re.compile(r"\s*(?:$|[,.;:(…]|\s(?:in|at|on|near|around|during|by|while|when|after|as|and|"
                                   r"yesterday|today|overnight|since|for|from|under|inside|outside|east|west|north|south)\b)", re.I)
_EXPULSION = re.compile(r"(?:driven|forced|pushed|kicked|chased|drove) out|expelled|ousted|routed|evicted", re.I)
_SYMMETRIC = {"contest", "casualties"}
_PASSIVE_BY = re.compile(r"^\W*(?:\w+\s+){0,3}?by\s+(?:the\s+)?(?:(?:one|some|two|three|members|fighters|elements) of\s+(?:the\s+)?)?$",
                         re.I)  # "by the IS", "by one of ISIS members"


def country_hint(text: str, actors: ActorDictionary) -> str | None:
    """The country a report is most likely about, from the home countries of the domestic actors it names
    ("regime forces" -> SY, "Tunisian National Guard" -> TN); None when no actor says."""
    counts: dict[str, int] = {}
    for a in actors.find(text):
        entry = actors.entries[a.name]
        if a.country and entry.kind in ("state_forces", "armed_group"):
            counts[a.country] = counts.get(a.country, 0) + 1
    return max(counts, key=counts.get) if counts else None


def code_document(doc: Document, gazetteer=None, actors: ActorDictionary | None = None,
                  country: str | None = None, collection: str | None = None) -> tuple[list[Toponym], list[Event]]:
    """Geoparse a document and code its events.

    The geoparser is told the country the report is about: ``country`` when the user knows it (ISO
    alpha-2), else the home country of the domestic actors it names. A report with neither is read a
    second time: a long one in the country its confident places share (else its collection's), a
    headline, too short to say, in the country of its ``collection`` (see :func:`collection_country`).
    """
    from frontline.geo import geoparse

    actors = actors or actor_dictionary()
    hint = country or country_hint(doc.text, actors)
    toponyms = geoparse(doc.text, country_hint=hint, gazetteer=gazetteer)
    if hint is None:
        # a report is read again in the country its confident places name; a headline is too short to
        # say, so it is read again only in its collection's country
        second = (collection if len(doc.text) < _LONG_REPORT_CHARS
                  else _document_country(doc.text, toponyms, actors) or collection)
        if second is not None:
            toponyms = geoparse(doc.text, country_hint=second, gazetteer=gazetteer)
    toponyms = complete_lists(doc.text, toponyms, actors)
    return toponyms, extract_events(doc, toponyms, actors, country or collection)


_LONG_REPORT_CHARS = 300  # a report this long names enough places to say which country it is about
_COLLECTION_SAMPLE = 500
_COLLECTION_MIN_REPORTS = 3
_COLLECTION_MIN_SHARE = 0.5


def collection_country(docs: list[Document], gazetteer=None, actors: ActorDictionary | None = None) -> str | None:
    """The country a batch of reports is mostly about, or None.

    Each report votes for its domestic actors' country, else the country of its confident places;
    a country with at least half of the votes (and three) is the collection's. Headlines are too short
    to say where they are ("Warplanes bomb Douma"); the collection they come from says it for them.
    Reads at most 500 reports, spread over the batch.
    """
    from frontline.geo import geoparse

    actors = actors or actor_dictionary()
    step = max(1, len(docs) // _COLLECTION_SAMPLE)
    votes: dict[str, int] = {}
    for doc in docs[::step]:
        vote = country_hint(doc.text, actors) or _document_country(
            doc.text, geoparse(doc.text, gazetteer=gazetteer), actors)
        if vote:
            votes[vote] = votes.get(vote, 0) + 1
    if not votes:
        return None
    top = max(votes, key=votes.get)
    total = sum(votes.values())
    return top if votes[top] >= _COLLECTION_MIN_REPORTS and votes[top] >= _COLLECTION_MIN_SHARE * total else None


_NAME = r"(?:(?:al|el|ad|as|ash|ar|az|an)[-‐])?[A-Z][\w'’-]+(?:\s+(?:(?:al|el|bin|ben|ibn|abu|bou)[-\s])?[A-Z][\w'’-]+){0,3}"
_LIST = re.compile(rf"{_NAME}(?:(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+){_NAME})+")
_MAX_SIBLING_KM = 400


def complete_lists(text: str, toponyms: list[Toponym], actors: ActorDictionary) -> list[Toponym]:
    """Names listed with places ("in Tripoli, Sabratha, Sirte and Ben Jawad") are places of the same
    country: an item the geoparser left out is looked up in its siblings' country and kept when it
    lies within 400 km of them."""
    from frontline.geo import distance_km, resolve, spelled_like

    resolved = [t for t in toponyms if t.place is not None and t.place.country]
    taken = [(t.start, t.end) for t in toponyms]
    actor_spans = [(a.start, a.end) for a in actors.find(text)]
    added: list[Toponym] = []
    for m in _LIST.finditer(text):
        items = [(i.start() + m.start(), i.end() + m.start()) for i in re.finditer(_NAME, m.group(0))]
        siblings = [t for t in resolved if any(t.start < e and s < t.end for s, e in items)
                    and t.place.geo_precision < GEO_PRECISION_REGION]
        if not siblings:
            continue
        country, score = siblings[0].place.country, min(t.score for t in siblings)
        for start, end in items:
            name = text[start:end]
            if any(start < e and s < end for s, e in taken + actor_spans) or name.lower() in _CALENDAR_WORDS:
                continue
            place = resolve(name, countries=(country,))
            if place is None or place.country != country or not spelled_like(name, place, _LOCATIVE_MIN_SIMILARITY):
                continue
            if min(distance_km(place, t.place) for t in siblings) > _MAX_SIBLING_KM:
                continue
            added.append(Toponym(start, end, name, place, round(score * 0.8, 3), [place]))
    return sorted(toponyms + added, key=lambda t: t.start)


def extract_events(doc: Document, toponyms: list[Toponym], actors: ActorDictionary | None = None,
                   country: str | None = None) -> list[Event]:
    """Events asserted in ``doc``, placed by its resolved ``toponyms``.

    ``country`` is the country the report is about when its own text does not say (the user's, or its
    collection's). A report that names no usable place at all still records what happened and who
    did it: its violent events are kept unlocated (no coordinates; maps and control skip them).
    """
    actors = actors or actor_dictionary()
    text = doc.text
    logged = incident_event(doc, toponyms)
    if logged is not None:
        return [logged]
    paras = paragraphs(text)
    sentences = split_sentences(text)

    def is_history(start: int, end: int) -> bool:
        return bool(_HISTORICAL.search(text[start:end])) or _old_year(text[start:end], doc.published)

    # a paragraph that opens with history is history; elsewhere only the sentence that names an old date
    historical = [is_history(*next(((a, b) for a, b in sentences if ps <= a < pe), (ps, pe))) for ps, pe in paras]
    doc_country = _document_country(text, toponyms, actors) or country
    resolved = _event_places(toponyms, text, doc_country)
    events: list[Event] = []
    unlocated: list[Event] = []
    previous_subject: Actor | None = None  # the first actor of the last sentence that named one
    main_group = _main_group(text, actors)
    operations = _operation_names(text)
    for index, (s_start, s_end) in enumerate(sentences):
        sentence = text[s_start:s_end]
        subject, previous_subject = previous_subject, _first_actor(sentence, actors) or previous_subject
        sentence_modality = modality(sentence)
        if sentence_modality == "question":
            continue
        para = next((i for i, (ps, pe) in enumerate(paras) if ps <= s_start < pe), None)
        if (para is not None and historical[para]) or is_history(s_start, s_end):
            continue
        # "Regime forces advance in Aleppo and seek to secure its airport": the advance is asserted even
        # though the sentence goes on to an aim; a trigger counts when the sentence up to its clause is
        triggers = [tr for tr in find_triggers(sentence) if (sentence_modality == "asserted"
                    or modality(sentence[:_clause_end(sentence, tr.end)]) == "asserted")
                    and not any(a <= s_start + tr.start and s_start + tr.end <= b for a, b in operations)]
        if not triggers:
            continue
        source = attribution(sentence)
        src_span = (s_start + source[1], s_start + source[2]) if source else None
        places = [t for t in resolved if s_start <= t.start and t.end <= s_end and _usable(t, src_span)]
        all_actors = actors.find(sentence)
        in_source = [a for a in all_actors if src_span and src_span[0] <= s_start + a.start < src_span[1]]
        sentence_actors = [a for a in all_actors if a not in in_source]
        named_spans = [(s_start + a.start, s_start + a.end) for a in sentence_actors if a.kind not in GENERIC_KINDS]
        places = [t for t in places if not any(a <= t.start and t.end <= b for a, b in named_spans + operations)
                  and not _names_an_actor(t, text, s_start, sentence_actors)]
        detected = [(t.start, t.end) for t in toponyms if s_start <= t.start < s_end]
        places = sorted(places + [_area_point(t, text) for t in _locative_places(sentence, s_start, [(s_start + a.start, s_start + a.end)
                                                                                  for a in all_actors], doc_country)
                                  if not any(a < t.end and t.start < b for a, b in detected)], key=lambda t: t.start)
        para_text = text[paras[para][0]:paras[para][1]] if para is not None else sentence
        if not places:
            unlocated += _unlocated_events(doc, index, s_start, s_end, triggers, sentence_actors, in_source, source,
                                           subject, main_group, doc_country, para_text, actors)
            continue
        fat = fatalities(sentence)
        sentence_dates = [d for d in find_dates(sentence, doc.published) if d.date]
        sentence_certainty = certainty(sentence)
        by_place: dict[tuple, Event] = {}
        trigger_of: dict[tuple, Trigger] = {}
        for trigger, toponym, near in _attach(places, triggers, text, s_start):
            antecedent = _antecedent(sentence, subject, main_group, toponym.place.country, para_text, actors,
                                     para is not None and paras[para][0] == s_start)
            actor1, actor2 = _actors_for(trigger, sentence_actors, sentence, toponym.place.country, para_text, actors, in_source,
                                         antecedent, main_group)
            if actor2 == actor1:
                actor2 = None
            event_type, sub_type = _type_for(trigger, actor1, actor2, actors)
            when = _date_for(trigger, triggers, sentence_dates, s_start, doc)
            place = toponym.place
            precision = place.geo_precision
            if near and precision < GEO_PRECISION_NEAR:
                precision = GEO_PRECISION_NEAR
            if _part_of(toponym, text, text[s_start + trigger.end:toponym.start]) and precision < GEO_PRECISION_REGION:
                precision = GEO_PRECISION_NEAR
            key = (place.geonameid, place.name)
            event = Event(
                event_id=_event_id(doc.doc_id, s_start, s_end, place, sub_type),
                doc_id=doc.doc_id, sentence=index, char_start=s_start, char_end=s_end, quote=sentence,
                event_date=when.date, time_precision=when.time_precision, event_type=event_type,
                sub_event_type=sub_type, actor1=actor1, actor2=actor2, place=place, location=toponym.mention,
                geo_precision=precision, geo_score=round(toponym.score, 3), certainty=sentence_certainty,
                attributed_to=source[0] if source else None, source=doc.outlet,
                notes=f"trigger '{trigger.text}' ({trigger.effect}) at {s_start + trigger.start}-{s_start + trigger.end}; "
                      f"place '{toponym.mention}' at {toponym.start}-{toponym.end}",
            )
            previous = by_place.get(key)
            if previous is None or _EFFECT_RANK[trigger.effect] < _rank(previous):
                by_place[key] = event
                trigger_of[key] = trigger
        # a province-level event restated by a town of the same trigger goes; another trigger's town does not
        # ("raids on Manbij and clashes in the countryside of Aleppo" are two events)
        sentence_events = sorted((e for k, e in by_place.items()
                                  if not _covered(e, [o for j, o in by_place.items() if trigger_of[j] == trigger_of[k]])),
                                 key=lambda e: e.event_id)
        if fat and sentence_events:
            lethal = [e for e in sentence_events if e.event_type != "Strategic developments"] or sentence_events
            first = min(lethal, key=lambda e: e.notes)
            i = sentence_events.index(first)
            sentence_events[i] = replace(first, fatalities_low=fat.low, fatalities_best=fat.best,
                                         fatalities_high=fat.high)
        events.extend(sentence_events)
    return _merge_repeats(events or unlocated)


# where a trigger's clause ends: an aim that follows ("... by cells attempting to spread chaos") does not
# make what went before it unreal
_CLAUSE_BREAK = re.compile(r"[,;:…]|\s(?:and|but|while|as|after|before|in an attempt|in order|in a bid|"
                           r"(?:attempts?|attempted|attempting|trying|tries|tried|seeks?|seeking|aims?|aiming) to)\s|\s[–—-]\s")


def _clause_end(sentence: str, position: int) -> int:
    m = _CLAUSE_BREAK.search(sentence, position)
    return m.start() if m else len(sentence)


def _covered(event: Event, others) -> bool:
    """A country- or province-level event that a more precise one of the same sentence lies in
    ("fighting in Libya ... in Sirte", "Idlib province ... in Saraqib")."""
    p = event.place
    if event.geo_precision < GEO_PRECISION_REGION:
        return False
    inner = [o.place for o in others if o.geo_precision < GEO_PRECISION_REGION and o.place.country == p.country]
    if p.feature_code in _COUNTRY_CODES:
        return bool(inner)
    return bool(p.admin1) and any(i.admin1 == p.admin1 for i in inner)


_VIOLENT = ("take", "retake", "attack", "contest", "casualties")


def _unlocated_events(doc: Document, index: int, s_start: int, s_end: int, triggers: list[Trigger],
                      sentence_actors: list[Actor], in_source: list[Actor], source, subject: Actor | None,
                      main_group: str | None, country: str | None, para_text: str,
                      actors: ActorDictionary) -> list[Event]:
    """A sentence's violent events without a place ("115 killed yesterday including 21 regime forces, and
    19 civilians killed in coalition shelling"), one per trigger and set of actors, kept when they name
    who was involved. The sentence's stated toll goes to the first."""
    sentence = doc.text[s_start:s_end]
    antecedent = _antecedent(sentence, subject, main_group, country, para_text, actors)
    if not [a for a in sentence_actors if a.kind != "civilians"] and antecedent is None:
        return []
    dates = [d for d in find_dates(sentence, doc.published) if d.date]
    fat = fatalities(sentence)
    out: dict[tuple, Event] = {}
    for trigger in sorted((t for t in triggers if t.effect in _VIOLENT), key=lambda t: (_EFFECT_RANK[t.effect], t.start)):
        actor1, actor2 = _actors_for(trigger, sentence_actors, sentence, country, para_text, actors, in_source,
                                     antecedent, main_group)
        involved = frozenset(a for a in (actor1, actor2) if a)
        if not involved or involved in out:
            continue
        out[involved] = _unlocated_event(doc, index, s_start, s_end, trigger, triggers, dates, actor1,
                                                 actor2, None if out else fat, source, actors)
    return list(out.values())


def _unlocated_event(doc: Document, index: int, s_start: int, s_end: int, trigger: Trigger,
                     triggers: list[Trigger], dates, actor1: str | None, actor2: str | None, fat, source,
                     actors: ActorDictionary) -> Event:
    sentence = doc.text[s_start:s_end]
    event_type, sub_type = _type_for(trigger, actor1, actor2, actors)
    when = _date_for(trigger, triggers, dates, s_start, doc)
    return Event(
        event_id=_event_id(doc.doc_id, s_start, s_end, None, f"{sub_type}|{actor1}|{actor2}"), doc_id=doc.doc_id,
        sentence=index,
        char_start=s_start, char_end=s_end, quote=sentence, event_date=when.date, time_precision=when.time_precision,
        event_type=event_type, sub_event_type=sub_type, actor1=actor1, actor2=actor2, place=None,
        fatalities_low=fat.low if fat else None, fatalities_best=fat.best if fat else None,
        fatalities_high=fat.high if fat else None, certainty=certainty(sentence),
        attributed_to=source[0] if source else None, source=doc.outlet,
        notes=f"trigger '{trigger.text}' ({trigger.effect}) at {s_start + trigger.start}-{s_start + trigger.end}; "
              "no place named")


_GROUP_ANAPHOR = re.compile(r"\b(?:the group|the organi[sz]ation|the militants|the jihadists|the extremists|the insurgents)\b", re.I)
_PRONOUN = re.compile(r"\b(?:they|their|its|it)\b", re.I)


def _main_group(text: str, actors: ActorDictionary) -> str | None:
    """The named non-state armed group a report mentions most: what "the group" means in it."""
    counts: dict[str, int] = {}
    for a in actors.find(text):
        if a.kind == "armed_group":
            counts[a.name] = counts.get(a.name, 0) + 1
    return max(counts, key=counts.get) if counts else None


def _antecedent(sentence: str, subject: Actor | None, main_group: str | None, country: str | None, para_text: str,
                actors: ActorDictionary, opens_paragraph: bool = False) -> str | None:
    """Who "the group" or "they" refers to: "the group" is the previous sentence's subject when that is
    an armed group in the same paragraph, else the group the report is about; a pronoun is the previous
    sentence's subject."""
    if _GROUP_ANAPHOR.search(sentence):
        if subject is not None and subject.kind == "armed_group" and not opens_paragraph:
            return subject.name
        return main_group
    if _PRONOUN.search(sentence) and subject is not None:
        return _resolve_generic(subject, country, para_text, actors, main_group)
    return None


def _first_actor(sentence: str, actors: ActorDictionary) -> Actor | None:
    """The first armed actor a sentence names: usually its subject, the antecedent of "they" next."""
    return next((a for a in actors.find(sentence) if a.kind != "civilians"), None)


def _merge_repeats(events: list[Event]) -> list[Event]:
    """A headline and its lead often state one event twice: keep the fuller one per place, type and day."""
    kept: dict[tuple, Event] = {}
    for event in events:
        key = (event.place.geonameid, event.place.name, event.sub_event_type, event.event_date) if event.place \
            else (event.event_id,)
        best = kept.get(key)
        if best is None or (best.actor1 is None and event.actor1 is not None):
            kept[key] = event
    chosen = {id(e) for e in kept.values()}
    return [e for e in events if id(e) in chosen]


_LOCATIVE = re.compile(
    rf"\b(?:in|on|at|near|around|into|targets?|targeting|hits?|outskirts of|countryside of|vicinity of)\s+"
    rf"(?:the\s+)?(?:(?:cit(?:y|ies)|towns?|villages?|neighbou?rhoods?|areas?|districts?|countryside|suburbs?) of\s+)?"
    rf"(?P<names>{_NAME}(?:(?:\s*,\s*|\s+and\s+){_NAME})*)")
_LOCATIVE_MIN_SIMILARITY = 0.85


def _locative_places(sentence: str, s_start: int, actor_spans: list[tuple[int, int]],
                     country: str | None = None) -> list[Toponym]:
    """Names after a locative ("air strikes on Raqqa", "the cities of Al-Raqqah and al-Tabaqa") that the
    geoparser did not pick up and the gazetteer knows under nearly that spelling (in the report's
    ``country`` when it is known)."""
    from frontline.geo import resolve, spelled_like

    found = []
    names = [(m.start("names") + n.start(), n.group(0)) for m in _LOCATIVE.finditer(sentence)
             for n in re.finditer(_NAME, m.group("names"))]
    for offset, name in names:
        start, end = s_start + offset, s_start + offset + len(name)
        if name.lower() in _CALENDAR_WORDS | _DIRECTION_WORDS or any(a < end and start < b for a, b in actor_spans):
            continue
        place = resolve(name, countries=(country,) if country else ())
        if place is None or place.feature_code in _COUNTRY_CODES or place.feature_class not in ("P", "A") \
                or (country and place.country != country):
            continue
        if spelled_like(name, place, _LOCATIVE_MIN_SIMILARITY):
            found.append(Toponym(start, end, name, place, 0.3, [place]))
    return found


def _datelines(text: str) -> list[tuple[int, int]]:
    """Spans of paragraph-opening datelines ("TUNIS - "): where a report was filed, not where events were."""
    return [(s + m.start(), s + m.end()) for s, e in paragraphs(text) for m in [_DATELINE.match(text[s:e])] if m]


def _document_country(text: str, toponyms: list[Toponym], actors: ActorDictionary) -> str | None:
    """The country a report is about: its domestic actors' country, else the country its confidently
    resolved places name most (summing their scores, so that a tie goes to the surer places)."""
    hint = country_hint(text, actors)
    if hint:
        return hint
    counts: dict[str, float] = {}
    datelines = _datelines(text)
    for t in toponyms:
        if t.place is None or not t.place.country or t.score < _CONFIDENT:
            continue
        if _names_no_place(t):
            continue  # "the Syrian South", "near the Turkish borders" say nothing of where the report is
        if any(a <= t.start < b for a, b in datelines):
            continue  # "WASHINGTON - ": where the report was filed
        if t.place.feature_code in _COUNTRY_CODES and not _LOCATIVE_BEFORE.search(text[max(0, t.start - 20):t.start]):
            continue  # "U.S. official", "Turkey says": a country named as an actor says nothing of where
        if _FACILITY_AFTER.match(text[t.end:t.end + 25]):
            continue  # nor does a building named after a place ("the Ouagadougou conference centre")
        counts[t.place.country] = counts.get(t.place.country, 0.0) + t.score
    return max(counts, key=counts.get) if counts else None


def _in_country(t: Toponym, country: str | None, at_home: bool = False) -> Toponym | None:
    """A toponym placed abroad when the report is about ``country``: its candidate in that country if it
    has one (or, when the geoparser was unsure, the gazetteer's entry of that name there), dropped if
    unsure and absent there, kept otherwise ("meeting in Rome" stays in Italy). When the report's other
    places are at home and it does not name that country (``at_home``), only a city of a million or a
    capital abroad is believed ("al-Marj area in the Eastern Ghouta" is not Al Marj in Libya)."""
    if country is None or t.place.country in (None, country) or t.place.feature_code in _COUNTRY_CODES:
        return t  # a foreign country (or its demonym, "the Algerian border") is not a misread local place
    from frontline.geo import resolve

    home = next((c for c in t.candidates if c.country == country and c.feature_class in ("P", "A")), None)
    if home is None and t.score < _CONFIDENT:
        home = resolve(t.mention, countries=(country,))
        home = home if home is not None and home.country == country else None
    if home is not None:
        return replace(t, place=home)
    # a village abroad is more likely a misread local name than news from elsewhere ("Arbin" in France)
    if at_home:
        prominent = (t.place.population or 0) >= 1_000_000 or t.place.feature_code == "PPLC"
    else:
        prominent = (t.place.population or 0) >= 50_000 or t.place.feature_code in ("PPLC", "PPLA", "ADM1")
    return t if t.score >= _CONFIDENT and prominent else None


_LOCATIVE_BEFORE = re.compile(r"\b(?:in|into|inside|across|throughout|within|on|at|near|over|to)\s+(?:the\s+)?$", re.I)


def _foreign_country_as_actor(t: Toponym, text: str, country: str | None) -> bool:
    """Another country named in a report about ``country`` without a locative before it is an actor or a
    source ("warplanes of the regime and Russia", "Turkey says"), not where the event happened."""
    return (country is not None and t.place.feature_code in _COUNTRY_CODES and t.place.country != country
            and not _LOCATIVE_BEFORE.search(text[max(0, t.start - 20):t.start]))


def _event_places(toponyms: list[Toponym], text: str, country: str | None = None) -> list[Toponym]:
    """Resolved toponyms that may locate an event: datelines, unsure foreign places and foreign-named
    buildings left out."""
    datelines = _datelines(text)
    resolved = [_area_point(t, text) for t in toponyms if t.place is not None
                and not any(a <= t.start < b for a, b in datelines)]
    # beside places at home, a town abroad needs its country named too ("into Tunisia ... Kasserine")
    at_home = any(t.place.country == country for t in resolved)
    named = {t.place.country for t in resolved if t.place.feature_code in _COUNTRY_CODES}
    resolved = [t for t in (_in_country(t, country, at_home and t.place.country not in named) for t in resolved)
                if t is not None]
    countries = [t.place.country for t in resolved if t.place.country]
    usable = []
    for t in resolved:
        others = countries.copy()
        if t.place.country in others:
            others.remove(t.place.country)
        if _FACILITY_AFTER.match(text[t.end:t.end + 25]) and t.place.country not in others:
            continue
        if _foreign_country_as_actor(t, text, country):
            continue
        usable.append(t)
    return usable


_COMPASS = {"north": (1, 0), "south": (-1, 0), "east": (0, 1), "west": (0, -1), "northeast": (1, 1),
            "northwest": (1, -1), "southeast": (-1, 1), "southwest": (-1, -1)}
_DIRECTION = r"(north|south|east|west|north-?east|north-?west|south-?east|south-?west)"  # a compass direction
_COMPASS_BEFORE = re.compile(rf"\b{_DIRECTION}(?:ern)?\s+$", re.I)


@lru_cache(maxsize=256)
def _settled_extent(cc: str, admin1: str | None = None) -> tuple[float, float, float, float, float, float] | None:
    """(south, north, west, east, mid_lat, mid_lon) of the settlements of a country, or of one of its
    first-level regions: the 0.5-99.5th percentile box (no far islands) and the settlements' mean."""
    import numpy as np

    from frontline.geo import load_gazetteer

    towns = load_gazetteer().settlements([cc])
    if admin1 is not None:
        towns = towns[towns.admin1 == admin1]
    if len(towns) < _MIN_SETTLEMENTS:
        return None
    lat, lon = np.percentile(towns.lat, [0.5, 99.5]), np.percentile(towns.lon, [0.5, 99.5])
    return float(lat[0]), float(lat[1]), float(lon[0]), float(lon[1]), float(towns.lat.mean()), float(towns.lon.mean())


_MIN_SETTLEMENTS = 8
_AREA_PART = r"(?:countryside|rural areas?|parts?|areas?|province|governorate|region)"
_COMPASS_OF = re.compile(rf"\b{_DIRECTION}(?:ern)?\s+{_AREA_PART}\s+of\s+(?:the\s+)?$", re.I)
# "the south-west of Rif Dimashq": of a province, a part of it (of a town, a place near it)
_COMPASS_PART_OF = re.compile(rf"\bthe\s+{_DIRECTION}(?:ern)?(?:\s+parts?)?\s+of\s+(?:the\s+)?$", re.I)
_COMPASS_AFTER = re.compile(rf"^(?:'s?)?\s+{_DIRECTION}(?:ern)?\s+{_AREA_PART}\b", re.I)


def _part_of_area(t: Toponym, text: str) -> Toponym:
    """A country or first-level region is placed where its people live, not at its geometric point.

    Its point is the mean of its settlements in the gazetteer, not the middle of their extent ("Homs
    countryside" is not the desert middle of Homs governorate, which reaches the Iraqi border). A compass
    word moves it toward that edge, halfway for a country ("northern Syria") and a quarter of the way for a
    region, whose countryside lies around its main town ("the northern countryside of Homs", "Aleppo's
    western countryside"); either is a region, geo_precision 3.
    """
    p = t.place
    country = p.feature_code in _COUNTRY_CODES
    if not p.country or not (country or ((p.feature_code or "").startswith("ADM1") and p.admin1)):
        return t
    lead, tail = text[max(0, t.start - 40):t.start], text[t.end:t.end + 40]
    m = (_COMPASS_BEFORE.search(lead[-20:]) or _COMPASS_BEFORE.match(t.mention + " ") or _COMPASS_OF.search(lead)
         or _COMPASS_AFTER.match(tail) or (None if country else _COMPASS_PART_OF.search(lead)))
    extent = _settled_extent(p.country, None if country else p.admin1)
    if extent is None or (country and not m):
        return t
    south, north, west, east, lat, lon = extent
    if country:
        lat, lon = (south + north) / 2, (west + east) / 2
    if not m:
        return replace(t, place=replace(p, lat=round(lat, 4), lon=round(lon, 4)))
    direction = m.group(1).lower().replace("-", "")
    dlat, dlon = _COMPASS[direction]
    step = 4 if country else 8  # halfway to a country's edge, a quarter of the way to a region's
    lat += dlat * (north - south) / step
    lon += dlon * (east - west) / step
    name = f"{direction.capitalize()}ern {p.name}"
    return replace(t, place=replace(p, geonameid=None, name=name, lat=round(lat, 4), lon=round(lon, 4),
                                    feature_class="L", feature_code="RGN", population=0))


_REGION_WORDS = re.compile(r"^\W{0,2}(?:province|governorate|region|district|wilaya|state|county|oblast)\b", re.I)


_COUNTRYSIDE_AFTER = re.compile(rf"^(?:\W{{0,2}}|'s?\s+(?:{_DIRECTION}(?:ern)?\s+)?)"
                                r"(?:province|governorate|countryside|region|wilaya)\b", re.I)
_COUNTRYSIDE_BEFORE = re.compile(r"\b(?:countryside|province|governorate|rural areas?) of\s+(?:the\s+)?$", re.I)


def _city_or_region(t: Toponym, text: str) -> Toponym:
    """"Aleppo" is the city unless the text says the province: a first-level region that shares its
    name with a city among the candidates gives way to the city, and the city gives way to the region
    in "Homs countryside", "the countryside of Hama", "Idlib province"."""
    p = t.place
    regional = bool(_COUNTRYSIDE_AFTER.match(text[t.end:t.end + 32]) or _COUNTRYSIDE_BEFORE.search(text[max(0, t.start - 40):t.start]))
    if p.feature_class == "P" and regional:
        region = next((c for c in t.candidates if (c.feature_code or "").startswith("ADM1") and c.country == p.country
                       and fold(c.name) == fold(p.name)), None)
        if region is None:
            from frontline.geo import load_gazetteer

            # under the mention's spelling or the city's own name ("Deir Ezzor" names only the city)
            region = next((c for name in (t.mention, p.name)
                           for c in load_gazetteer().lookup(name, countries=(p.country,), limit=10)
                           if (c.feature_code or "").startswith("ADM1") and c.country == p.country
                           and (fold(c.name) == fold(p.name) or fold(c.name) == fold(t.mention))), None)
        return replace(t, place=region) if region else t
    if regional or not (p.feature_code or "").startswith("ADM") or _REGION_WORDS.match(text[t.end:t.end + 20]):
        return t
    city = next((c for c in t.candidates if c.feature_class == "P" and c.country == p.country
                 and (fold(c.name) in (fold(p.name), fold(t.mention))
                      or (c.feature_code == "PPLA" and c.admin1 and c.admin1 == p.admin1))), None)
    return replace(t, place=city) if city else t


def _area_point(t: Toponym, text: str) -> Toponym:
    """The place an event mention stands for: the city or its region, placed where its people live."""
    return _part_of_area(_city_or_region(t, text), text)


def _recent(iso: str, published: str | None, days: int = 14) -> bool:
    if not published:
        return False
    return abs((date.fromisoformat(published[:10]) - date.fromisoformat(iso[:10])).days) <= days


_NOUN_EFFECTS = {"presence", "none"}  # "checkpoint", "flags": triggers a date phrase rarely dates


def _date_for(trigger: Trigger, triggers: list[Trigger], dates, s_start: int, doc: Document):
    """The date of one trigger's event.

    A date phrase dates the nearest verb-like trigger before it ("seized in February 2015", "overran
    the checkpoint on Thursday"); a phrase with no trigger before it ("On February 13 the ministry
    said that ...") dates every event of the sentence that has no date of its own. Without either,
    the publication date.
    """
    verbs = [tr for tr in triggers if tr.effect not in _NOUN_EFFECTS]
    own, sentence_level = [], []
    for d in dates:
        before = [tr for tr in verbs if tr.end <= d.start]
        if not before:
            sentence_level.append(d)
        elif before[-1] is trigger:
            own.append(d)
    # another event's recent date ("killed yesterday in clashes in X") still dates this one;
    # a distant one ("the town the militants seized in February 2015") is background
    recent = [d for d in dates if _recent(d.date, doc.published)]
    chosen = own[0] if own else sentence_level[0] if sentence_level else recent[0] if recent else None
    if chosen is None:
        return event_date("", s_start, doc.published, doc.date_precision)
    return ResolvedDate(date=chosen.date, time_precision=chosen.time_precision, start=chosen.start + s_start,
                        end=chosen.end + s_start, expression=chosen.expression)


def _rank(event: Event) -> int:
    m = re.search(r"\((\w+)\)", event.notes or "")
    return _EFFECT_RANK.get(m.group(1), 5) if m else 5


# a year, not a count ("more than 1650 raids", "1500 fighters"); after a preposition always a year ("in 2011")
_YEAR = re.compile(r"\b(?i:in|of|by|since|until|from|during|before|after)\s+(1[5-9]\d\d|20\d\d)\b|"
                   r"(?<!than )(?<!about )(?<!over )(?<!nearly )(?<!some )\b(1[5-9]\d\d|20\d\d)\b"
                   r"(?!\s+(?:[a-z]+s|people|men|women|children|personnel)\b)")


def _old_year(text: str, published: str | None) -> bool:
    """A paragraph dated by a year long before publication is history, not news."""
    if not published:
        return False
    pub_year = int(published[:4])
    years = [int(a or b) for a, b in _YEAR.findall(text)]
    return bool(years) and max(years) < pub_year - 3


def _usable(t: Toponym, src_span: tuple[int, int] | None) -> bool:
    p = t.place
    if p.feature_class == "H" or (p.feature_code in _NON_LOCATION_CODES and not p.country):
        return False
    if p.feature_code == "CONT":
        return False
    if src_span and src_span[0] <= t.start < src_span[1]:
        return False  # "the government based in Tobruk said": the source's seat, not the event's place
    if not re.sub(r"^(?:(?:al|el|ad|ar|as|ash|at|az|an|ed|er|es|ez|en|le|la)[-\s’']|(?:eastern|western|northern|southern)\s+)",
                  "", t.mention)[:1].isupper():
        return False  # a lower-case word is not a place name ("al-Bab", "eastern Ghouta" are, "well" is not)
    return not _names_no_place(t)


def _names_no_place(t: Toponym) -> bool:
    """A demonym ("the Libyan coast", "French media") describes, it does not place; a month, weekday or
    compass word ("in March", "Eastern" of "Eastern Ghouta", "the Syrian South") names no place on its own."""
    if t.place.feature_code in _COUNTRY_CODES and fold(t.mention) != fold(t.place.name) \
            and not t.mention.replace(".", "").isupper():
        return True
    return t.mention.lower().rstrip(".") in _CALENDAR_WORDS | _DIRECTION_WORDS


def _attach(places: list[Toponym], triggers: list[Trigger], text: str, s_start: int):
    """Pair each place with the trigger it follows; places before the first trigger ("In Sirte,
    fighters clashed") go to that trigger only when it has no place after it.

    Origins and distance references ("from Syria", "far to the east of Sirte") are never the
    event's place; a place the event is only near ("south of Misrata") is used, as geo_precision 2,
    when the trigger has no place it happened in.
    """
    pairs: dict[Trigger, list[tuple[Toponym, bool, bool]]] = {}
    leading = []
    previous_end, previous_trigger = 0, None
    for t in places:
        rel = t.start - s_start
        before = [tr for tr in triggers if tr.end <= rel]
        if before:
            # the most specific trigger since the previous place ("militants ambushed a patrol near X":
            # an ambush, not a patrol); with none in between, the previous place's trigger
            between = [tr for tr in before if tr.start >= previous_end]
            if between:
                best = min(between, key=lambda tr: (_EFFECT_RANK[tr.effect], rel - tr.end))
            else:
                best = previous_trigger or before[-1]
            role = _with_role(t, text, s_start)
            if _RELATIVE.search(text[s_start + best.end:t.start]):
                role = (t, True, False)  # "..., which is the gateway to Misrata": a description, not the place
            elif best.effect == "retreat" and _GAVE_UP_FROM.match(text[s_start + best.end:t.start]):
                role = (t, False, False)  # "pulls back from Dabiq": the place given up, not an origin
            pairs.setdefault(best, []).append(role)
            previous_trigger = best
        else:
            first = next((tr for tr in triggers if tr.start >= rel), None)
            if first is not None and _WITNESSES.match(text[t.end:s_start + first.start]):
                # "Daraa city witnesses skirmishes": the subject place is where the trigger happened
                pairs.setdefault(first, []).append(_with_role(t, text, s_start))
                previous_trigger = first
            else:
                leading.append(t)
        previous_end = t.end - s_start
    if leading and not any(not origin for items in pairs.values() for _, origin, _ in items):
        # "Aleppo city ... cause a massacre of 13 people from Afrin": an origin after the trigger leaves it no place
        pairs.setdefault(triggers[0], []).extend(_with_role(t, text, s_start) for t in leading)
    for trigger, items in pairs.items():
        for i in range(1, len(items)):
            prev, cur = items[i - 1], items[i]
            if (prev[1] or prev[2]) and _COORDINATION.match(text[prev[0].end:cur[0].start]):
                items[i] = (cur[0], prev[1], prev[2])  # "from ... Iraq and Syria": both are origins
    for trigger, items in pairs.items():
        inside = [(t, False) for t, origin, near in items if not origin and not near]
        near_only = [(t, True) for t, origin, near in items if not origin and near]
        # of the places it is only near, the most precise ("near Jazrah suburb west of Raqqa city")
        chosen = inside or sorted(near_only, key=lambda tn: tn[0].place.geo_precision)[:1]
        if inside and near_only and all(t.place.geo_precision >= GEO_PRECISION_REGION for t, _ in inside):
            # "struck a camp near Sabratha in western Libya": the town it is near says more than the region
            chosen = near_only[:1] + inside
        if chosen:
            # "clashes near Palmyra and in Jobar at the outskirts of Damascus", "airstrikes at the countryside of
            # Saraqeb and ... on the city of Deir Ezzor": a near place in a phrase of its own is a second
            # location, not a reference point for the other
            first = chosen[0][0]
            chosen += [(t, True) for t, _ in near_only if (t, True) not in chosen and (
                (t.start > first.end and re.search(r"\band\b", text[first.end:t.start]))
                or (t.end < first.start and re.search(r"\band\b", text[t.end:first.start])))]
        for t, near in chosen:
            yield trigger, t, near


def _names_an_actor(t: Toponym, text: str, s_start: int, sentence_actors: list[Actor]) -> bool:
    """"Misrata's 166 Brigade", "Derna's Shura Council": a place whose possessive introduces an actor
    says whose forces they are, not where the event happened."""
    m = re.match(r"[’']s\s+", text[t.end:t.end + 4])
    if not m:
        return False
    start = t.end + m.end()
    # a named actor may come a word or two later ("Libya's UN-backed Government of National Accord")
    later = {start + w.end() for w in (re.match(rf"(?:[\w-]+\s+){{{k}}}", text[start:start + 40]) for k in (1, 2)) if w}
    return any(s_start + a.start == start or (a.kind not in GENERIC_KINDS and s_start + a.start in later)
               for a in sentence_actors)


_QUOTED_OPERATION = re.compile(r"[“\"]([^“”\"]{1,40})[”\"]\s+(?:operations?|offensive|campaign)\b"
                               r"|\b(?:operations?|offensive|campaign)\s+[“\"]([^“”\"]{1,40})[”\"]", re.I)


def _operation_names(text: str) -> list[tuple[int, int]]:
    """Spans of quoted operation names ("the “Jazeera Storm” Operation", "Operation “Euphrates Shield”"):
    a place or a trigger word in one names the operation, not where or what happened."""
    return [(m.start(g), m.end(g)) for m in _QUOTED_OPERATION.finditer(text)
            for g in (1, 2) if m.group(g) is not None]


# a subordinate clause with a subject of its own ("as the brigades pushed into", "while troops entered")
_NEW_SUBJECT = re.compile(r"\b(?:as|while|when|whereas|because|since|after|before|until)\s+(?:the\s+)?"
                          r"(?:[A-Z][\w-]*|[\w-]+(?:s|led|backed))\b(?:\s+[\w-]+){0,8}\s*$")
_AREA_BETWEEN = re.compile(r"\b(?:area|areas|region|villages|towns|roads?|front|fronts|countryside) between\s+(?:the\s+)?$", re.I)
_WITNESSES = re.compile(r"^\s*(?:city|town|village|area|neighbou?rhood|countryside)?(?:\s+and its countryside)?"
                        r"(?:\s+and\s+(?:[\w’'-]+\s+){1,4}?)?\s*(?:(?:is|are|was|were)\s+)?"
                        r"(?:witness(?:es|ed|ing)?|sees|saw|experienc(?:es|ed|ing))\s+(?:[\w-]+\s+){0,4}?$", re.I)
_HANDED_TO = re.compile(r"\b(?:to|in favou?r of)\s+(?:the\s+)?$", re.I)
_GAVE_UP_FROM = re.compile(r"^\s+(?:[\w-]+\s+){0,3}?from\s+(?:the\s+)?$", re.I)
_RELATIVE = re.compile(r",\s+(?:which|whose|where|who)\b", re.I)


def _with_role(t: Toponym, text: str, s_start: int) -> tuple[Toponym, bool, bool]:
    """(toponym, is an origin/distance reference, is "near" it) from the words just before the place."""
    lead = text[max(s_start, t.start - 60):t.start]
    if _AREA_BETWEEN.search(lead):
        return t, False, True  # "in the area between Tal Tamr and Abu Rasin": near the first, not from it
    # "the countryside of Hama" read as the province is inside it, not near it
    inside_region = (t.place.feature_code or "").startswith("ADM1") and bool(_COUNTRYSIDE_BEFORE.search(lead))
    return t, bool(_ORIGIN_BEFORE.search(lead)), bool(_NEAR_BEFORE.search(lead)) and not inside_region


def _actors_for(trigger: Trigger, found: list[Actor], sentence: str, country: str | None, para_text: str,
                actors: ActorDictionary, sources: list[Actor] = (), antecedent: str | None = None, main_group: str | None = None) -> tuple[str | None, str | None]:
    """(actor1, actor2): the agent and the target of the trigger.

    The agent is the last armed actor before the trigger, or the one after "by"; in the passive
    ("IS fighters were forced out of X by ...") the actor before the trigger is the target. Only a
    symmetric trigger (clashes, fighting) or a noun (a deployment, a convoy of ...) takes its agent from
    after it. An actor that is the
    sentence's source ("The PFG said it had taken ...") is the agent when no other is named and no
    anaphor ("the group", "they") points at an ``antecedent``.
    """
    # "US warplanes struck", "Warplanes bomb Douma": the actor may share the trigger's words
    before = [a for a in found if a.start <= trigger.start]
    after = [a for a in found if a.start >= trigger.end]
    by = next((a for a in after if _PASSIVE_BY.match(sentence[trigger.end:a.start])), None)
    armed_before = [a for a in before if a.kind != "civilians"]
    passive = bool(armed_before) and (
        (bool(_PASSIVE_AUX.search(sentence[armed_before[-1].end:trigger.start])) and bool(_PARTICIPLE.match(trigger.text)))
        # "militants driven out of Sirte", "fighters expelled from the port": a reduced passive
        or (bool(_EXPULSION.match(trigger.text)) and bool(re.match(r"\s+(?:of|from)\b", sentence[trigger.end:])))
        # "18 IS members killed in the vicinity of Tishrin Dam": a headline's reduced passive names who died
        or (trigger.effect == "casualties" and bool(_PARTICIPLE.fullmatch(trigger.text))
            and bool(_REDUCED_PASSIVE_NEXT.match(sentence[trigger.end:]))))
    if passive:
        agent, target = by, armed_before[-1]
    else:
        agent = by or (armed_before[-1] if armed_before else None)
        if agent is not None and agent is not by and _NEW_SUBJECT.search(sentence[agent.end:trigger.start]):
            agent = None  # "IS militants fell back as Misratan-led brigades pushed into Sirte": another subject
        if agent is None and (trigger.effect in _SYMMETRIC or trigger.effect in _NOUN_EFFECTS):
            # "clashes between X and Y", "the deployment of German troops": the actor follows
            agent = next((a for a in after if a.kind != "civilians"), None)
        if agent is None and antecedent is None:
            agent = next((a for a in sources if a.kind not in ("civilians", *GENERIC_KINDS)), None)
        agent_name = agent.name if agent else None
        if trigger.effect == "retreat":
            # the side that pulls back gives the place to the side it is handed to, no other ("withdrew
            # ..., citing an IS offensive" does not name who takes over)
            target = next((a for a in after if a is not agent and a.name != agent_name
                           and _HANDED_TO.search(sentence[trigger.end:a.start])), None)
        else:
            # "drove IS militants out of": an actor inside the trigger's words is its object
            inside = [a for a in found if trigger.start < a.start and a.end <= trigger.end and a.kind != "civilians"]
            target = next((a for a in inside + after if a is not agent and a.name != agent_name), None)
            if target is None:
                target = next((a for a in reversed(before) if a is not agent and a.name != agent_name), None)
    actor1 = _resolve_generic(agent, country, para_text, actors, main_group) if agent or passive else antecedent
    actor2 = _resolve_generic(target, country, para_text, actors, main_group)
    actor2 = actor2 if actor2 != actor1 else None
    if trigger.sub_event_type == "Air/drone strike" and actor1 in actors.entries \
            and actors.entries[actor1].kind == "armed_group":
        # armed groups have no air force: the group named with an air strike is what it hit
        actor1, actor2 = None, actor2 or actor1
    if trigger.effect == "retreat":
        # ACLED's non-violent transfer names the side that gains the place first: the side that pulls
        # back is the one that loses it
        actor1, actor2 = actor2, actor1
    return actor1, actor2


def _resolve_generic(actor: Actor | None, country: str | None, para_text: str, actors: ActorDictionary,
                     main_group: str | None = None) -> str | None:
    """The actor a generic mention stands for: the country's forces, its rebel coalition, or the armed group
    the paragraph (else the report) is about."""
    if actor is None:
        return None
    if actor.kind == "generic_state":
        return actors.government_of(country) or actor.name
    if actor.kind == "generic_rebel":  # "rebels", "the factions": the country's rebel coalition, if the dictionary has one
        return actors.collective_of(country) or "Unidentified armed group"
    if actor.kind == "generic_armed":
        named = [a for a in actors.find(para_text) if a.kind == "armed_group"]
        introduced = [a for a in named if _INTRODUCED.search(para_text[max(0, a.start - 30):a.start])]
        if introduced or named:
            return (introduced or named)[0].name
        return main_group or actor.name
    return actor.name


def _type_for(trigger: Trigger, actor1: str | None, actor2: str | None, actors: ActorDictionary) -> tuple[str, str]:
    entry1 = actors.entries.get(actor1) if actor1 else None
    entry2 = actors.entries.get(actor2) if actor2 else None
    if trigger.effect == "take" and entry1 is not None and entry1.kind in ("state_forces", "external_forces") \
            and trigger.state_sub_event_type:
        return trigger.event_type, trigger.state_sub_event_type
    if trigger.sub_event_type == "Armed clash":
        one_sided = trigger.effect == "casualties" or re.match(r"attack|target|assault", trigger.text, re.I)
        if one_sided and (entry2 is None or entry2.kind == "civilians"):
            return "Violence against civilians", "Attack"
    return trigger.event_type, trigger.sub_event_type


# "January 21st -22nd, 2017: (S406) Al Tabaqa, Raqqa governorate, Syria", "Around July 31st 2017: (S1142a) ..."
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_INCIDENT_HEADING = re.compile(rf"^\s*(?:(?:on or )?around\s+)?(?P<date>[A-Z][a-z]+\.?\s+{_DAY}(?:\s*[-–/]\s*{_DAY})?,?\s+\d{{4}})"
                               r"\s*:(?P<places>(?:[^()]{0,80}?\((?P<code>[A-Z]{0,4}\d+[a-z]?)\))?.+?)\s*$", re.S | re.I)
_HEADING_MAX_KM = 150  # the place of "X, Raqqa governorate, Syria" lies within this of the places named after it


@lru_cache(maxsize=1)
def _monitors() -> dict[str, dict]:
    """Incident-log outlets (data/monitors.yaml), keyed by each way of writing the outlet, lower-case."""
    import yaml

    data = yaml.safe_load(resources.files("frontline.data").joinpath("monitors.yaml").read_text(encoding="utf-8"))
    return {name.lower(): entry for entry in data.values() for name in entry["outlets"]}


def incident_event(doc: Document, toponyms: list[Toponym]) -> Event | None:
    """The event an incident monitor's log heading records, or None when ``doc`` is not one.

    A heading ("January 9th, 2017: (S386) Hattash village, Raqqa governorate, Syria") from an
    outlet listed in data/monitors.yaml is one event of the monitor's kind, on the heading's date,
    at the first place of the heading that is not a country (the most specific one the gazetteer
    knows: "Raqqa governorate" when it lacks Hattash).
    """
    from frontline.geo import distance_km

    outlets = [o.strip().lower() for o in re.split(r"[;,]", doc.outlet or "") if o.strip()]
    monitor = next((_monitors()[o] for o in outlets if o in _monitors()), None)
    m = _INCIDENT_HEADING.match(doc.text) if monitor else None
    if m is None:
        return None
    when = next((d for d in find_dates(m.group("date"), doc.published) if d.date), None)
    start, end = m.start("places"), m.end("places")
    named = [t for t in toponyms if start <= t.start < end and t.place is not None]
    countries = {t.place.country for t in named if t.place.feature_code in _COUNTRY_CODES}
    usable = [t for t in named if t.place.feature_code not in _COUNTRY_CODES
              and t.place.feature_code not in _NON_LOCATION_CODES and (not countries or t.place.country in countries)
              and not _FACILITY_AFTER.match(doc.text[t.end:t.end + 25])]  # "Tal Abyad street, Raqqa city"
    # the heading goes from the most specific place to the widest: the first place that lies near
    # every place named after it ("Qasr al Banat, Raqqa" is not a Banat elsewhere)
    toponym = next((t for i, t in enumerate(usable)
                    if all(distance_km(t.place, u.place) <= _HEADING_MAX_KM for u in usable[i + 1:])), None)
    if toponym is None:
        return None
    toponym = _area_point(toponym, doc.text)
    place = toponym.place
    precision = place.geo_precision
    if _part_of(toponym, doc.text) and precision < GEO_PRECISION_REGION:
        precision = GEO_PRECISION_NEAR
    return Event(
        event_id=_event_id(doc.doc_id, 0, len(doc.text), place, monitor["sub_event_type"]), doc_id=doc.doc_id,
        sentence=0, char_start=0, char_end=len(doc.text), quote=doc.text,
        event_date=when.date if when else doc.published, time_precision=when.time_precision if when else 1,
        event_type=monitor["event_type"], sub_event_type=monitor["sub_event_type"], actor1=None,
        place=place, location=toponym.mention, geo_precision=precision, geo_score=round(toponym.score, 3),
        certainty="reported", source=doc.outlet,
        notes=f"incident log heading {m.group('code') or '(no code)'}; place '{toponym.mention}' at {toponym.start}-{toponym.end}")


def _event_id(doc_id: str, start: int, end: int, place: Place | None, sub_type: str) -> str:
    raw = f"{doc_id}|{start}|{end}|{place.geonameid if place else None}|{place.name if place else None}|{sub_type}"
    return "ev-" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


__all__ = ["code_document", "collection_country", "complete_lists", "country_hint", "extract_events", "incident_event"]
