"""Geoparsing: detect place names in raw text and resolve them against the gazetteer.

Detection: capitalised token runs are matched (longest first) against the normalised name
index; every match is scored by a logistic model over span features (match type, feature
type, population, capitalisation context, locative prepositions, person-name cues, ...).
Resolution: every candidate Place is scored by a second logistic model over candidate
features (population, feature type, country/admin1 agreement with the rest of the document
and the country hint, distance to the other places, name-match quality); the best one wins.
The weights live in ``frontline/data/geo_model.json`` and are produced by
``python -m frontline.geo.train`` (cross-validated on the dev corpora).
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import compress, repeat
from operator import mul
from pathlib import Path

import numpy as np

from ..records import GEO_PRECISION_NEAR, Place, Toponym
from .gazetteer import (K_ADM1, K_ADM2, K_CITY, K_CONT, K_COUNTRY, K_RGN, K_SEA, M_ALIAS, M_ALT,
                        M_PARTIAL, MATCH_PENALTY, SUPP_GID_HI, SUPP_GID_LO, Gazetteer, load_gazetteer)
from .normalize import ARTICLE, norm

MODEL_FILE = Path(__file__).resolve().parents[1] / "data" / "geo_model.json"

# abbreviations ("W.Va.", "Calif.", "U.S.", "St."), then words. Every abbreviation starts with a capital
# letter: the look-ahead spares the regex engine trying them at every other word.
_ABBREV = r"(?:W\.Va\.|W\.V\.|(?:Ala|Ariz|Ark|Calif|Cal|Colo|Conn|Del|Fla|Ga|Ill|Ind|Kans?|Ky|La|Md|Mass|Mich|Minn|Miss|Mo|Mont|Nebr?|Nev|Okla|Ore|Pa|Penn|Tenn|Tex|Vt|Va|Wash|Wisc?|Wyo)\.(?=[\s,;:)\]\"'’]|$))|(?:[A-Z]\.){2,}|(?:St|Mt|Ft|Pt|Ste)\."
_WORD = r"[^\W\d_]+(?:-[^\W\d_]+)*(?:['’](?![sS]\b)[^\W\d_]+)*"
_TOKEN = re.compile(rf"(?=[A-Z])(?:{_ABBREV})|{_WORD}")
_CONNECT = {"of", "the", "de", "del", "la", "le", "al", "el", "upon", "on", "du", "des", "da", "do", "dos", "das",
            "y", "and", "am", "an", "der", "di", "en", "sur", "ez", "es", "ad", "ar", "as", "ash", "at", "az", "bin", "ibn", "ben", "bani", "&"}
# a one-word transliteration variant may differ by about one letter in six ("Harwa" ~ "Harawa"), not
# one in five ("Sabri" is not "Sabra")
_SINGLE_WORD_MIN_SIM = 0.85
# lower-case generic words that may end a known name ("Yarmouk basin", "Qalamoun mountains")
_GENERIC_TAIL = {"basin", "valley", "plain", "plains", "mountains", "mountain", "desert", "dam", "lake", "river"}
_DIRECTIONS = {"northern", "southern", "eastern", "western", "central", "north", "south", "east", "west", "upper", "lower",
               "northeastern", "northwestern", "southeastern", "southwestern"}
_LOC_PREP = {"in", "at", "from", "near", "to", "across", "outside", "into", "throughout", "towards", "toward", "around",
             "via", "between", "through", "within", "inside", "of", "on", "over", "visit", "visited", "visiting", "leave", "left",
             "cross", "crossed", "crossing", "along", "off", "entered", "reached", "fled", "returned", "moved", "based"}
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "president", "gov", "governor", "sen", "senator", "rep", "representative", "judge",
           "justice", "coach", "pope", "king", "queen", "prince", "princess", "lord", "lady", "sir", "saint", "st", "general",
           "gen", "col", "colonel", "captain", "capt", "lt", "sgt", "prof", "professor", "minister", "chancellor", "mayor",
           "sheikh", "father", "rev", "reverend", "brother", "sister", "uncle", "aunt", "officer", "detective", "agent",
           "attorney", "secretary", "chairman", "ceo", "director", "spokesman", "spokeswoman", "commander", "marshal", "field"}
_PERSON_NEXT = {"said", "says", "told", "added", "explained", "wrote", "asked", "argued", "believes", "thinks",
                "announced", "claimed", "insisted", "stated", "noted", "recalled", "replied", "admitted", "who", "himself", "herself"}
_ORG_NEXT = {"university", "college", "school", "times", "post", "news", "county", "street", "st", "avenue", "ave", "road",
             "rd", "boulevard", "blvd", "hospital", "airport", "church", "center", "centre", "company", "corp", "inc", "bank",
             "club", "park", "hall", "house", "river", "lake", "mountain", "mountains", "bay", "island", "islands", "valley",
             "herald", "tribune", "journal", "daily", "gazette", "press", "group", "council", "state", "institute", "united",
             "city", "fc", "department", "police", "high", "academy", "museum", "stadium", "bridge", "square", "library"}
_SMALL_TOWN = 100_000
_CALENDAR = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_COMMON = _CALENDAR | {"i", "a", "the", "this",
           "that", "it", "he", "she", "we", "they", "you", "but", "and", "or", "if", "in", "on", "at", "as", "so", "no",
           "yes", "not", "all", "one", "two", "man", "god", "christ", "mobile", "reading", "bath", "orange", "bay", "union",
           "liberty", "independence", "victoria", "hope", "paradise", "eden", "mission", "university", "college", "police",
           "court", "hospital", "school", "church", "christian", "muslim", "islam", "islamic", "jewish", "catholic",
           "republican", "democrat", "democratic", "congress", "senate", "house", "white", "black", "brown", "green",
           "young", "little", "long", "best", "love", "home", "centre", "center", "national", "federal", "state", "city",
           "county", "north", "south", "east", "west", "central", "new", "old", "great", "royal", "general", "time", "day",
           "year", "week", "world", "earth", "internet", "web", "online", "health", "ministry", "government", "army",
           "northern", "southern", "eastern", "western", "arab", "arabs", "arabic", "western", "northeast", "northwest",
           "southeast", "southwest", "vice", "nato", "isis", "isil", "un", "who", "eu-", "god", "allah", "prophet"}

MAX_CANDS = 40
PASS2_CANDS = 8
_RULES: dict = {}
_PLACE_NOUNS = {"city", "town", "village", "municipality", "suburb", "community", "county", "region", "province",
                "district", "place", "settlement", "area", "parish", "borough", "hamlet", "commune", "capital", "state",
                "country", "island", "neighborhood", "neighbourhood", "township", "locality", "port", "governorate",
                "prefecture", "metropolis", "nation", "kingdom", "republic", "territory", "seat", "coast", "border",
                "outskirts", "downtown", "residents", "population", "located", "situated", "near", "north", "south",
                "east", "west", "northeast", "northwest", "southeast", "southwest", "km", "miles"}
KIND_NAMES = {K_CITY: "city", K_ADM1: "adm1", K_COUNTRY: "country", K_CONT: "cont", K_RGN: "rgn", K_SEA: "sea", K_ADM2: "adm2"}


@dataclass
class Span:
    start: int
    end: int
    text: str
    tok0: int  # token index range
    tok1: int
    cands: list = field(default_factory=list)  # (place index, match type, similarity)
    feats: dict = field(default_factory=dict)
    p_det: float = 0.0
    fuzzy: bool = False
    container: tuple = ()  # (cc, admin1) / (cc, "") of the place named right after ", "
    p1: float = 0.0  # pass-1 probability of the span's best candidate
    p1_of: dict | None = None  # place index -> pass-1 probability (pass 2 reads it as a feature)


# ---------------------------------------------------------------- model
class _Model:
    def __init__(self, path: Path = MODEL_FILE) -> None:
        d = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        self.det = d.get("detection", _DEFAULT_DET)
        self.res = with_hint_weight(d.get("resolution", _DEFAULT_RES))
        self.res2 = with_hint_weight(d.get("resolution2"))
        self.threshold = float(d.get("threshold", 0.5))
        self.calib = d.get("calibration", {"bias": -1.0, "logit_top": 1.0, "margin": 2.0, "single": 1.0})
        self.meta = d.get("meta", {})

    @staticmethod
    def score(w: dict, f: dict) -> float:
        g = w.get
        z = g("bias", 0.0) + sum(map(mul, map(g, f, repeat(0.0)), f.values()))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


# The dev corpora carry no country hint, so the ranker cannot learn the weight of ``hint_cc`` (a candidate in
# a country the caller named); it is set here, as a log-odds bonus about that of a country that half the
# document's places lie in.
HINT_CC_WEIGHT = 4.0


def with_hint_weight(w: dict | None) -> dict | None:
    if w is None or "hint_cc" in w:
        return w
    return dict(w, hint_cc=HINT_CC_WEIGHT)


_DEFAULT_DET = {
    "bias": -1.0, "mt_primary": 1.5, "mt_alias": 2.5, "mt_alt": 0.3, "mt_demonym": -1.5, "mt_partial": -1.0, "fuzzy": -2.0,
    "k_country": 2.5, "k_adm1": 1.5, "k_cont": 2.0, "k_rgn": 1.5, "k_sea": 1.5, "logpop": 2.0, "sent_initial": -0.8,
    "emb_left": -1.5, "emb_right": -2.0, "loc_prep": 1.2, "title_prev": -4.0, "person_next": -1.5, "org_next": -1.5,
    "lower_elsewhere": -2.0, "person_surname": -3.0, "common": -2.5, "comma_place": 1.0, "ntok": 0.3, "allcaps": -0.5,
}
_DEFAULT_RES = {
    "bias": 0.0, "logpop": 1.5, "k_country": 3.0, "k_adm1": 1.0, "k_cont": 2.0, "k_rgn": 1.5, "k_sea": 1.0, "pplc": 1.5,
    "ppla": 0.5, "mt_primary": 1.0, "mt_alt": -1.5, "mt_demonym": -0.5, "sim": 3.0, "doc_cc": 3.0, "hint_cc": 3.0,
    "adm1_in_doc": 2.0, "cc_in_doc": 1.0, "near_other": 1.5, "prior_rank0": 1.0,
}


@lru_cache(maxsize=2)
def get_model(path: str = str(MODEL_FILE)) -> _Model:
    return _Model(Path(path))


# ---------------------------------------------------------------- detection
def _tokens(text: str):
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


def _is_cap(tok: str) -> bool:
    return _TOKEN_CLASS[tok] == _CAP


def _cap_word(tok: str) -> bool:
    if tok[0].isupper():
        return True
    # al-Andalus, ad-Dawr
    return "-" in tok and any(part[:1].isupper() for part in tok.split("-")[1:])


_CAP, _LOWER_DIRECTION = 1, 2  # token classes: capitalised; a lower-case direction word that may start a span


class _TokenClasses(dict):
    """Token -> _CAP, _LOWER_DIRECTION or 0, memoised: most of a document's tokens were seen before, and
    the detection loops ask about every token more than once."""

    def __missing__(self, tok: str) -> int:
        if len(self) > 200_000:
            self.clear()
        c = self[tok] = _CAP if _cap_word(tok) else (_LOWER_DIRECTION if tok.lower() in _DIRECTIONS else 0)
        return c


_TOKEN_CLASS = _TokenClasses()


def _sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t\"'“‘(":
        i -= 1
    return i < 0 or text[i] in ".!?\n:"


def _fuzzy_cached(gaz: Gazetteer, name: str, min_sim: float = 0.8):
    cache = gaz.__dict__.setdefault("_fz_cache", {})
    r = cache.get(name)
    if r is None:
        r = gaz.fuzzy(name, min_sim=min_sim, limit=10, max_bucket=400)[:30]
        if len(cache) > 100_000:
            cache.clear()
        cache[name] = r
    return r


_PLACE_WORDS = {"city", "town", "village", "province", "governorate", "countryside", "district", "area", "region",
                "camp", "airport", "desert", "neighbourhood", "neighborhood", "suburb", "outskirts", "port"} | _GENERIC_TAIL


def _place_word(word: str, index: dict) -> bool:
    return word.lower() in _PLACE_WORDS or norm(word) in index


_AR_PREFIX = {"abu", "abou", "bou", "ben", "bin", "ibn", "beni", "bani", "wadi", "bir", "ras", "sidi", "ain", "ayn", "al",
              "el", "jabal", "jebel", "qasr", "deir", "dayr", "tell", "tal", "umm", "um", "khirbet", "kafr", "kfar", "bab", "khan",
              "sheikh", "sidi", "marsa", "mersa", "hassi", "oued", "zawiyat", "bir"}


_ARTICLE_TAIL = re.compile(rf"[ -]{ARTICLE}[-‐‑][A-Za-z][\w’']*")


def find_spans(text: str, gaz: Gazetteer, *, fuzzy: bool = True, countries: set | None = None,
               max_tok: int = 6) -> tuple[list[Span], list]:
    """Candidate spans: exact gazetteer names, and transliteration variants. With ``countries`` (a hint)
    any capitalised word may be a variant, but only of a place in those countries."""
    fuzzy_all = bool(countries)
    toks = _tokens(text)
    words = [t for _, _, t in toks[:60] if t[:1].isalpha()]
    title_case = len(words) >= 4 and sum(t[0].isupper() for t in words) > 0.6 * len(words)
    n = len(toks)
    classes = list(map(_TOKEN_CLASS.__getitem__, [t for _, _, t in toks]))
    spans: list[Span] = []
    index = gaz.index
    i = 0  # the first token not yet part of a span
    for start in compress(range(n), classes):  # only capitalised tokens and direction words start a span
        if start < i:
            continue
        i = start
        s0, e0, t0 = toks[i]
        lower_dir = classes[i] == _LOWER_DIRECTION
        best = None
        j = i
        end_tok = min(n, i + max_tok)
        while j < end_tok:
            sj, ej, tj = toks[j]
            cap_j = classes[j] == _CAP
            if j > i:
                gap = text[toks[j - 1][1]:sj]
                if gap not in (" ", "-", " - ", ". ") and not (gap == " " or (gap.strip() == "" and "\n" not in gap and len(gap) <= 2)):
                    break
                if not cap_j and tj.lower() not in _CONNECT and tj.lower() not in _GENERIC_TAIL:
                    break
            if cap_j or (j > i and tj.lower() in _GENERIC_TAIL):
                key = norm(text[s0:ej])
                if key in index:
                    best = (j, ej)
            j += 1
        t0l = t0.lower()
        if (fuzzy and not lower_dir and (t0[0].isupper() or _is_cap(t0)) and not t0.isupper() and (best is None or best[0] == i)
                and t0l not in _COMMON and (t0l not in _CONNECT or t0l in _AR_PREFIX) and t0l not in _TITLES):
            # transliteration variants: two-word names ("Ben Jawad", "Abu Grein") first, then single words.
            # Without a country hint only names that start with an Arabic generic/kinship word are tried
            # (single-word fuzzy matching costs precision and speed on general news, measured).
            done = False
            nxt_ok = i + 1 < n and text[e0:toks[i + 1][0]] == " " and _is_cap(toks[i + 1][2]) and (toks[i + 1][2][0].isupper() or "-" in toks[i + 1][2])
            tries = []
            if nxt_ok and (fuzzy_all or t0l in _AR_PREFIX):
                # "Deir Az Zor", "Ras al Ain": a three-word name with an article in the middle, longest first
                if (toks[i + 1][2].lower() in _CONNECT and i + 2 < n and text[toks[i + 1][1]:toks[i + 2][0]] in (" ", "-")
                        and toks[i + 2][2][:1].isupper()):
                    tries.append(i + 2)
                tries.append(i + 1)
            if fuzzy_all and best is None and len(t0) >= 4 and t0l not in _ORG_NEXT and t0l not in _PLACE_WORDS and (not nxt_ok or title_case or _place_word(toks[i + 1][2], index)
                                                                or toks[i + 1][2].lower() in _CALENDAR):
                # a lone variant followed by a capitalised word that is no place word is the start of a
                # longer name ("Moammar Qaddafi"), not a place ("Hajeen Town", "Jobar Damascus" may be)
                tries.append(i)
            for jj in tries:
                cand = _fuzzy_cached(gaz, text[s0:toks[jj][1]], 0.72 if jj > i else _SINGLE_WORD_MIN_SIM)
                if countries and not (jj > i and t0l in _AR_PREFIX):
                    cand = [c for c in cand if gaz.cc[c[0]] in countries]
                if jj == i and len(t0) < 5:
                    # a four-letter word on its own (not "al_Sham") only as the same name ("Raqa", "Raqqa")
                    cand = [c for c in cand if c[2] >= 1.0] if s0 == 0 or text[s0 - 1].isspace() else []
                if cand:
                    sp = Span(s0, toks[jj][1], text[s0:toks[jj][1]], i, jj + 1, cands=cand[:30], fuzzy=True)
                    spans.append(sp)
                    i = jj + 1
                    done = True
                    break
            if done:
                continue
            if nxt_ok and t0l in _AR_PREFIX and best is not None and best[0] == i:
                # "Tal Halaf", "Tal Shihab": a generic word before a capitalised one starts a name the
                # gazetteer lacks; the word alone ("Tal", At Tall) is not that place
                i += 2
                continue
        if best is None:
            i += 1
            continue
        j, ej = best
        sp = Span(s0, ej, text[s0:ej], i, j + 1)
        sp.cands = [(pi, m, 1.0) for pi, m in gaz.exact(sp.text)][:60]
        if countries and sp.text.lower() not in _ORG_NEXT and sp.text.lower() not in _PLACE_WORDS and all(
                gaz.cc[c] not in countries and gaz.kind[c] == K_CITY and gaz.pop[c] < _SMALL_TOWN for c, _, _ in sp.cands):
            # a small town abroad ("Arima", Trinidad) may be a spelling of a place in the hinted country (Al Arimah)
            sp.cands += [c for c in _fuzzy_cached(gaz, sp.text, _SINGLE_WORD_MIN_SIM)
                         if gaz.cc[c[0]] in countries and c[2] >= 1.0][:10]  # the same name once folded ("Dawn" is not Dannun)
        tail = _ARTICLE_TAIL.match(text, ej)
        if tail and j == i:
            # "Khan al-Shih", "Jisr al-Shughur": a one-word name followed by an article joined to a word starts
            # a longer name, which is looked up instead; without it, a word that is only another name of a
            # place ("Khan") is no place, while a place's own name stays ("Daraa al-Balad")
            jj = next((k for k in range(j + 1, n) if toks[k][1] >= tail.end()), n - 1)
            cand = _fuzzy_cached(gaz, text[s0:toks[jj][1]], 0.72)
            if countries:
                cand = [c for c in cand if gaz.cc[c[0]] in countries]
            if cand:
                spans.append(Span(s0, toks[jj][1], text[s0:toks[jj][1]], i, jj + 1, cands=cand[:30], fuzzy=True))
                i = jj + 1
                continue
            if all(m >= M_ALT for _, m, _ in sp.cands):
                i = jj + 1
                continue
        spans.append(sp)
        i = j + 1
    return spans, toks


def _span_features(sp: Span, text: str, toks, gaz: Gazetteer, doc_lower: set, surnames: set) -> dict:
    f: dict = {}
    i0, i1 = sp.tok0, sp.tok1
    best_m = min(m for _, m, _ in sp.cands)
    fz = min(1.0 - s for _, _, s in sp.cands)
    f["mt_" + ("primary", "alias", "alt", "demonym", "partial")[best_m]] = 1.0
    if fz > 0 or sp.fuzzy:
        f["fuzzy"] = 1.0
    if fz > 0:
        f["fuzzy_sim"] = fz
    facts = _facts(gaz)
    cfacts = [facts[c[0]] for c in sp.cands]
    top = max(zip(sp.cands, cfacts), key=lambda cf: cf[1].prior - 3 * (cf[0][1] >= M_ALT))[1]
    kinds = {pf.kind for c, pf in zip(sp.cands, cfacts) if c[1] <= M_ALIAS} or {top.kind}
    for k in kinds:
        if k != K_CITY:
            f["k_" + KIND_NAMES[k]] = 1.0
    f["logpop"] = math.log10(1 + max(pf.pop for pf in cfacts)) / 7.0
    f["ncand"] = math.log1p(len(sp.cands)) / 4.0
    f["ntok"] = min(i1 - i0, 4) / 4.0
    if _sentence_initial(text, sp.start):
        f["sent_initial"] = 1.0
    prev = toks[i0 - 1] if i0 > 0 else None
    nxt = toks[i1] if i1 < len(toks) else None
    if prev is not None:
        gap = text[prev[1]:sp.start]
        pw = prev[2].lower().rstrip(".")
        if gap == " " and _is_cap(prev[2]) and not f.get("sent_initial") and pw not in _LOC_PREP and pw not in _TITLES:
            f["emb_left"] = 1.0
        if pw in _LOC_PREP and gap.strip() == "":
            f["loc_prep"] = 1.0
            f["prep_" + pw] = 1.0
        if pw in _TITLES and gap.strip() in ("", "."):
            f["title_prev"] = 1.0
        if pw in _DIRECTIONS:
            f["dir_prev"] = 1.0
        if gap == " " and gaz.first_names.get(prev[2], 0) >= 5 and prev[2][0].isupper():
            f["prev_firstname"] = 1.0
    if nxt is not None:
        gap = text[sp.end:nxt[0]]
        nw = nxt[2].lower()
        if gap == " " and _is_cap(nxt[2]):
            f["emb_right"] = 1.0
            if nw in _ORG_NEXT:
                f["org_next"] = 1.0
        if nw in _PERSON_NEXT and gap.strip(" ,") == "":
            f["person_next"] = 1.0
        if gap in (", ",) and _is_cap(nxt[2]):
            k = norm(nxt[2])
            t = gaz.index.get(k)
            if t is None and i1 + 1 < len(toks) and text[nxt[1]:toks[i1 + 1][0]] == " ":
                t = gaz.index.get(norm(text[nxt[0]:toks[i1 + 1][1]]))  # "New York", "South Carolina"
            if t:
                cont = []
                for j in range(0, min(len(t), 20), 2):
                    ci = t[j]
                    if gaz.kind[ci] == K_ADM1:
                        cont.append((gaz.cc[ci], gaz.names[ci]))
                    elif gaz.kind[ci] == K_COUNTRY:
                        cont.append((gaz.cc[ci], ""))
                if cont:
                    f["comma_place"] = 1.0
                    sp.container = tuple(cont)
    right = [t[2].lower() for t in toks[i1:i1 + 6]]
    if any(w in _PLACE_NOUNS for w in right):
        f["placenoun_right"] = 1.0
    if len(right) >= 2 and right[0] in ("is", "was") and right[1] in ("a", "an", "the"):
        f["is_a"] = 1.0
    left = [t[2].lower() for t in toks[max(0, i0 - 3):i0]]
    if any(w in _PLACE_NOUNS for w in left):
        f["placenoun_left"] = 1.0
    if sp.end < len(text) and text[sp.end:sp.end + 2] in ("'s", "’s"):
        f["possessive"] = 1.0
    low = sp.text.lower()
    if low in doc_lower:
        f["lower_elsewhere"] = 1.0
    if low in _COMMON or norm(sp.text) in _COMMON:
        f["common"] = 1.0
    if sp.text in surnames:
        f["person_surname"] = 1.0
    fn = gaz.first_names.get(sp.text, 0)
    if fn:
        f["firstname"] = min(math.log(1 + fn), 5.0) / 5.0
    if sp.text.isupper() and len(sp.text) > 3:
        f["allcaps"] = 1.0
    if len(sp.text) <= 3:
        f["short"] = 1.0
    return f


_KEY_CUES = ("loc_prep", "comma_place", "placenoun_right", "placenoun_left", "is_a")
_KEY_NEG = ("title_prev", "person_next", "person_surname", "emb_right", "emb_left")


def add_doc_features(spans: list[Span], text: str, toks, gaz: Gazetteer, doc_lower: set, surnames: set) -> None:
    """Span features plus document-level ones aggregated over all mentions of the same name."""
    by_key: dict = defaultdict(list)
    for sp in spans:
        sp.feats = _span_features(sp, text, toks, gaz, doc_lower, surnames)
        by_key[sp.text].append(sp)
    # countries the document names (exact country names/aliases), for "candidate agrees with the document"
    named: Counter = Counter()
    for sp in spans:
        for c, m, s_ in sp.cands[:3]:
            if gaz.kind[c] == K_COUNTRY and m <= M_ALIAS and s_ == 1.0:
                named[gaz.cc[c]] += 1
                break
    for sp in spans:
        own = {gaz.cc[c] for c, m, s_ in sp.cands[:3] if gaz.kind[c] == K_COUNTRY}
        doc_cc = {c for c in named if c not in own or named[c] > 1}
        if doc_cc and any(gaz.cc[c] in doc_cc for c, m, s_ in sp.cands[:10] if gaz.kind[c] != K_COUNTRY):
            sp.feats["cand_in_doc_cc"] = 1.0
            if "mt_alt" in sp.feats or sp.fuzzy:
                sp.feats["alt_in_doc_cc"] = 1.0
    for key, group in by_key.items():
        n = len(group)
        cues = sum(1 for sp in group if any(c in sp.feats for c in _KEY_CUES))
        negs = sum(1 for sp in group if any(c in sp.feats for c in _KEY_NEG))
        for sp in group:
            f = sp.feats
            if n > 1:
                f["key_count"] = min(math.log(n), 3.0) / 3.0
            if cues - any(c in f for c in _KEY_CUES) > 0:
                f["key_cue_other"] = 1.0
            if negs - any(c in f for c in _KEY_NEG) > 0:
                f["key_neg_other"] = 1.0
    for sp in spans:
        _add_products(sp.feats, _CROSS_DET)


def _person_rule(gaz: Gazetteer, spans: list[Span], toks) -> None:
    """Person names: a name right after a common given name ("Michael Jordan", "Angela Merkel"),
    and later bare uses of that surname with no locative cue ("Jordan later thanked fans"), are
    not places. Only very common given names count: looser versions cost recall on the benchmark."""
    strong = set()
    for sp in spans:
        if "prev_firstname" in sp.feats and gaz.first_names.get(toks[sp.tok0 - 1][2], 0) >= 30 and sp.tok1 - sp.tok0 == 1:
            strong.add(sp.text)
            if "loc_prep" not in sp.feats:
                sp.p_det *= 0.15
    for sp in spans:
        # "Vlad Tepes": given name + word that is only the name of a village
        if sp.tok1 - sp.tok0 == 2 and gaz.first_names.get(toks[sp.tok0][2], 0) >= 5 and "loc_prep" not in sp.feats:
            if max(int(gaz.pop[c]) for c, _m, _s in sp.cands[:20]) < 10000:
                sp.p_det *= 0.2
    for sp in spans:
        # "NATO", "VICE": all-capital words that only name small towns are acronyms (datelines such
        # as "SIRTE, Libya" name larger places)
        if sp.text.isupper() and len(sp.text) <= 6 and "comma_place" not in sp.feats:
            strong_name = any(m <= M_ALIAS and gaz.kind[c] in (K_COUNTRY, K_ADM1, K_CONT, K_RGN, K_SEA) for c, m, _s in sp.cands[:10])
            if not strong_name and max(int(gaz.pop[c]) for c, _m, _s in sp.cands[:20]) < 50000:
                sp.p_det *= 0.3
    for sp in spans:
        f = sp.feats
        if sp.text in strong and "prev_firstname" not in f and not ("loc_prep" in f or "comma_place" in f or "placenoun_left" in f):
            sp.p_det *= 0.15


def _variants_in_hint_countries(gaz: Gazetteer, spans: list[Span], ccs: set) -> None:
    """With a country hint, a close transliteration variant (similarity >= 0.8) or an alternate name
    of a place in a hinted country is accepted ("Misrata" -> Misratah with --country LY).
    The learned model cannot learn this from the (mostly US/UK) training corpora, and without a
    hint the same rule costs too much precision on them (measured), so it is hint-only."""
    for sp in spans:
        if sp.p_det >= 0.5 or "title_prev" in sp.feats or "person_next" in sp.feats or "common" in sp.feats:
            continue
        if sp.fuzzy:
            ok = any(gaz.cc[c] in ccs and s_ >= 0.8 for c, _m, s_ in sp.cands[:10])
        elif "mt_alt" in sp.feats:
            ok = any(gaz.cc[c] in ccs and m == M_ALT for c, m, s_ in sp.cands[:10])
        else:
            ok = False
        if ok:
            sp.p_det = max(sp.p_det, 0.5 + 0.3 * sp.p_det)


_CROSS_DET = ("logpop", "k_country", "k_adm1", "mt_alt", "mt_primary", "sent_initial", "loc_prep", "emb_left", "emb_right",
              "firstname", "person_surname", "lower_elsewhere", "common", "key_cue_other", "ncand", "placenoun_right",
              "is_a", "fuzzy", "short", "key_count", "comma_place")


def _add_products(f: dict, keys: tuple[str, ...]) -> None:
    """Pairwise products of the present features among ``keys`` ("a*b"), so the linear models can weigh
    one feature differently when another is there."""
    g = f.get
    names = _product_names(keys)
    items = [(i, v) for i, k in enumerate(keys) if (v := g(k))]
    for a, (i, va) in enumerate(items):
        row = names[i]
        for j, vb in items[a + 1:]:
            f[row[j]] = va * vb


@cache
def _product_names(keys: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The "a*b" feature names of a key tuple, built once rather than per candidate."""
    return tuple(tuple(a + "*" + b for b in keys) for a in keys)


def _doc_context(text: str, toks, first_names: dict | None = None) -> tuple[set, set]:
    words = [t for _, _, t in toks]
    doc_lower = {t for t in words if t[:1].islower()}
    # runs of capitalised tokens with single spaces between them
    runs: list = []
    prev = -2
    for k in compress(range(len(toks)), [c == _CAP for c in map(_TOKEN_CLASS.__getitem__, words)]):
        if k == prev + 1 and text[toks[prev][1]:toks[k][0]] == " ":
            runs[-1].append(toks[k])
        else:
            runs.append([toks[k]])
        prev = k
    # last words of multi-token capitalised runs that start with a word that is not a title/direction
    surnames = set()
    for run in runs:
        if len(run) in (2, 3) and first_names and first_names.get(run[0][2], 0) >= 5:
            surnames.add(run[-1][2])
        elif len(run) == 2 and not first_names:
            first = run[0][2].lower().rstrip(".")
            if first not in _DIRECTIONS and first not in _TITLES and first not in _LOC_PREP and first not in ("the", "new", "san", "los", "las", "saint", "fort", "port", "mount", "lake", "el", "al", "la") and not _sentence_initial(text, run[0][0]):
                surnames.add(run[1][2])
    return doc_lower, surnames


# ---------------------------------------------------------------- resolution
_MATCH_FEATURE = ("mt_primary", "mt_alias", "mt_alt", "mt_demonym", "mt_partial")


class _PlaceFacts:
    """What the ranker reads about one gazetteer place, as Python values: reading numpy columns one
    element at a time costs more than the arithmetic done with them, and a place recurs across spans
    and documents."""

    __slots__ = ("a1", "adm1", "adm2", "cc", "fcode", "kind", "lat", "log10pop", "lon", "name", "pop", "prior", "supp",
                 "type_feats")

    def __init__(self, gaz: Gazetteer, ci: int) -> None:
        self.kind = k = int(gaz.kind[ci])
        self.pop = int(gaz.pop[ci])
        self.log10pop = math.log10(1 + self.pop)
        self.cc, self.adm1, self.name, self.fcode = gaz.cc[ci], gaz.adm1[ci], gaz.names[ci], gaz.fcode[ci]
        self.adm2 = gaz.adm2[ci] if gaz.adm2 else ""
        self.prior = float(gaz.prior[ci])
        self.lat, self.lon = float(gaz.lat[ci]), float(gaz.lon[ci])
        self.supp = k == K_CITY and SUPP_GID_LO <= int(gaz.gid[ci]) <= SUPP_GID_HI
        # the resolution features that depend on the place alone (kind, capital)
        tf = {}
        if k != K_CITY:
            tf["k_" + KIND_NAMES[k]] = 1.0
        if self.fcode == "PPLC":
            tf["pplc"] = 1.0
        elif self.fcode.startswith("PPLA"):
            tf["ppla"] = 1.0
        self.type_feats = tf
        # (country, first-level region) of a town, county or region; None for countries and larger
        if k == K_ADM1:
            self.a1 = (self.cc, self.name)
        elif k in (K_CITY, K_ADM2) and self.adm1:
            self.a1 = (self.cc, self.adm1)
        else:
            self.a1 = None


class _FactsTable(dict):
    """Place index -> _PlaceFacts, filled on first use."""

    def __init__(self, gaz: Gazetteer) -> None:
        super().__init__()
        self.gaz = gaz

    def __missing__(self, ci: int) -> _PlaceFacts:
        pf = self[ci] = _PlaceFacts(self.gaz, ci)
        return pf


def _facts(gaz: Gazetteer) -> _FactsTable:
    t = gaz.__dict__.get("_facts")
    if t is None:
        t = gaz.__dict__["_facts"] = _FactsTable(gaz)
    return t


def _res_features(pf: _PlaceFacts, m: int, sim: float, rank: int, ctx: dict, near: float | None) -> dict:
    k = pf.kind
    f = {"logpop": pf.log10pop / 7.0, "sim": sim}
    f.update(pf.type_feats)
    f[_MATCH_FEATURE[m]] = 1.0
    if pf.supp:
        f["supp"] = 1.0
    if rank == 0:
        f["prior_rank0"] = 1.0
    elif rank == 1:
        f["prior_rank1"] = 1.0
    cc = pf.cc
    if cc:
        share = ctx["cc_share"].get(cc, 0.0)
        f["doc_cc"] = share
        if cc in ctx["cc_mentioned"]:
            f["cc_in_doc"] = 1.0
        if ctx["hint"] and cc in ctx["hint"]:
            f["hint_cc"] = 1.0
        if k in (K_CITY, K_ADM2) and (cc, pf.adm1) in ctx["adm1_mentioned"]:
            f["adm1_in_doc"] = 1.0
        if cc == "US":
            f["cc_us"] = 1.0
        if pf.a1:
            f["a1_share"] = ctx["a1_share"].get(pf.a1, 0.0)
    if near is not None:
        f["near_other"] = near
    return f


def _hav_km(lat1, lon1, lat2, lon2):
    p = math.pi / 180
    a = np.sin((lat2 - lat1) * p / 2) ** 2 + np.cos(lat1 * p) * np.cos(lat2 * p) * np.sin((lon2 - lon1) * p / 2) ** 2
    return 12742.0 * np.arcsin(np.sqrt(np.minimum(1.0, a)))


def _build_context(gaz: Gazetteer, spans: list[Span], hint, weights) -> dict:
    """Document context from every span's prior-best candidate, kept per mention key so that a
    span's own mentions can be left out of its context."""
    cc_w: dict = defaultdict(Counter)  # key -> Counter(cc)
    a1_w: dict = defaultdict(Counter)  # key -> Counter((cc, admin1))
    cc_m: dict = defaultdict(set)
    adm1_m: dict = defaultdict(set)
    adm2_m: dict = defaultdict(set)
    a1pos: dict = defaultdict(list)
    pts: dict = defaultdict(list)
    for sp in spans:
        if not sp.cands:
            continue
        key = norm(sp.text)
        w = sp.p_det if weights else 1.0
        if w < 0.2:
            continue
        top, m0, _ = sp.cands[0]
        k = int(gaz.kind[top])
        _note_regions(gaz, sp, top, k, adm2_m, a1pos)
        # country votes: the prior-best candidate's country, sharing with near-equal rivals
        p0 = gaz.prior[top]
        ccs = {gaz.cc[c] for c, m, s_ in sp.cands[:8] if gaz.cc[c] and gaz.prior[c] >= p0 - 1.0}
        for c in ccs:
            cc_w[key][c] += w / len(ccs)
        a1s = {_a1_of(gaz, c) for c, m, s_ in sp.cands[:8] if gaz.cc[c] and gaz.prior[c] >= p0 - 1.0}
        for a in a1s:
            if a:
                a1_w[key][a] += w / len(a1s)
        if k == K_COUNTRY:
            cc_m[key].add(gaz.cc[top])
        elif k == K_ADM1:
            adm1_m[key].add((gaz.cc[top], gaz.names[top]))
            cc_m[key].add(gaz.cc[top])
        if k in (K_CITY, K_ADM1, K_ADM2) and m0 <= M_ALT:
            pts[key].append(top)
    return {"cc_w": cc_w, "cc_m": cc_m, "adm1_m": adm1_m, "pts": pts, "hint": hint, "adm2_m": adm2_m, "a1pos": a1pos,
            "a1_w": a1_w}


def _a1_of(gaz: Gazetteer, ci: int):
    """(country, first-level region) of a town, county or region; None for countries and larger."""
    k = int(gaz.kind[ci])
    if k == K_ADM1:
        return (gaz.cc[ci], gaz.names[ci])
    if k in (K_CITY, K_ADM2) and gaz.adm1[ci]:
        return (gaz.cc[ci], gaz.adm1[ci])
    return None


def _note_regions(gaz: Gazetteer, sp: Span, top: int, k: int, adm2_m: dict, a1pos: dict) -> None:
    key = norm(sp.text)
    if k == K_ADM2:
        adm2_m[key].add((gaz.cc[top], gaz.adm1[top], gaz.names[top]))
    if k == K_ADM1:
        a1pos[(gaz.cc[top], gaz.names[top])].append(sp.start)
    for cc, a1 in sp.container:
        if a1:
            a1pos[(cc, a1)].append(sp.start)


def _ctx_totals(ctx: dict) -> dict:
    """Document-wide sums of the context, computed once; ``_ctx_for`` takes a key's own share out."""
    t = ctx.get("_totals")
    if t is None:
        cc_tot: Counter = Counter()
        for c in ctx["cc_w"].values():
            cc_tot.update(c)
        a1_tot: Counter = Counter()
        for c in ctx.get("a1_w", {}).values():
            a1_tot.update(c)
        memb = {name: Counter(x for v in ctx[name].values() for x in v) for name in ("cc_m", "adm1_m", "adm2_m")}
        slices, pts = {}, []
        for k, v in ctx["pts"].items():
            slices[k] = (len(pts), len(pts) + len(v))
            pts.extend(v)
        t = ctx["_totals"] = {"cc": cc_tot, "a1": a1_tot, "memb": memb, "slices": slices, "pts": pts}
    return t


def _minus(tot: Counter, own) -> dict:
    if not own:
        return dict(tot)
    out = {}
    for c, v in tot.items():
        v = v - own.get(c, 0.0)
        if v > 1e-12:
            out[c] = v
    return out


def _others(memb: Counter, own) -> set:
    if not own:
        return set(memb)
    return {x for x, c in memb.items() if c - (x in own) > 0}


def _ctx_for(ctx: dict, key: str) -> dict:
    """The document context of one mention key: every other key's votes, regions and points."""
    t = _ctx_totals(ctx)
    tot = _minus(t["cc"], ctx["cc_w"].get(key))
    n = sum(tot.values())
    a1tot = _minus(t["a1"], ctx.get("a1_w", {}).get(key))
    memb = t["memb"]
    ccm = _others(memb["cc_m"], ctx["cc_m"].get(key))
    a1m = _others(memb["adm1_m"], ctx["adm1_m"].get(key))
    a2m = _others(memb["adm2_m"], ctx["adm2_m"].get(key))
    pts = t["pts"]
    sl = t["slices"].get(key)
    if sl:
        pts = pts[:sl[0]] + pts[sl[1]:]
    return {"cc_share": {c: v / n for c, v in tot.items()} if n else {}, "cc_mentioned": ccm, "adm1_mentioned": a1m,
            "hint": ctx["hint"], "points": pts or None, "n_ctx": n, "adm2_mentioned": a2m,
            "a1pos": ctx["a1pos"], "ppos": ctx.get("ppos", {}), "a1_share": {a: v / n for a, v in a1tot.items()} if n else {}}


def _rank(gaz: Gazetteer, sp: Span) -> list:
    return sorted(sp.cands, key=lambda c: -(gaz.prior[c[0]] - 4.0 * (c[1] >= M_ALT) - 6.0 * (1.0 - c[2])))


def resolve_spans(gaz: Gazetteer, spans: list[Span], hint: set | None, model: _Model, *, use_weights: bool = True,
                  keep: int = 10, only: float | None = None, second: bool = True):
    """Rank each span's candidates; returns per span a list of (place index, prob, features) best first.
    With ``only``, spans whose p_det is below it are not ranked (empty list).

    Pass 1 scores candidates with a context built from every span's prior-best candidate; when the
    model has second-pass weights (``res2``), pass 2 rebuilds the context from the pass-1 winners
    (countries, regions and points of the other places as resolved) and scores again."""
    for sp in spans:
        sp.cands = _rank(gaz, sp)
    full = _build_context(gaz, spans, hint, use_weights)
    if not (second and model.res2):
        return _score_spans(gaz, spans, full, model.res, model, keep, only, cross=False)
    lo = 0.2 if only is None else min(only, 0.2)
    first = _score_spans(gaz, spans, full, model.res, model, keep, lo, cross=False)
    ctx2 = _context_from_winners(gaz, spans, first, hint, use_weights)
    # pass 2 re-scores the pass-1 top candidates only, plus the document's other places as stand-ins
    proxies = _proxy_pool(gaz, spans, first, use_weights)
    saved = [sp.cands for sp in spans]
    for sp, r in zip(spans, first):
        if r:
            sp.p1 = r[0][1]
            sp.p1_of = {ci: p for ci, p, _f in r}
            top = {ci for ci, _p, _f in r[:PASS2_CANDS]}
            sp.cands = [c for c in sp.cands[:MAX_CANDS] if c[0] in top]  # prior order kept
            # no stand-ins where pass 1 is sure (they almost never won there, measured; it saves time),
            # for a country or sea (not missing), nor where a hinted country has a place of that name
            if sp.p1 < PROXY_MAX_P1 and not (sp.p1 >= 0.5 and int(gaz.kind[r[0][0]]) in (K_COUNTRY, K_CONT, K_RGN, K_SEA)) and not (
                    hint and any(gaz.cc[c[0]] in hint for c in sp.cands)):
                sp.cands = sp.cands + _proxies_for(sp, proxies, top)
    try:
        return _drop_stale_proxies(gaz, _score_spans(gaz, spans, ctx2, model.res2, model, keep, only))
    finally:
        for sp, c in zip(spans, saved):
            sp.cands = c
            sp.p1_of = None


def _drop_stale_proxies(gaz: Gazetteer, ranked: list) -> list:
    """A stand-in is a place the document names, as pass 1 resolved it; where pass 2 moved that mention far
    away (no pass-2 winner within 161 km of the stand-in: "Damascus", Maryland in pass 1, Syria in pass 2),
    the stand-in no longer stands for anything the document says, and it is dropped."""
    if not any(r and any("proxy" in x[2] for x in r) for r in ranked):
        return ranked
    winners = list({r[0][0] for r in ranked if r and "proxy" not in r[0][2]})
    facts = _facts(gaz)
    keep: dict = {}

    def supported(ci: int) -> bool:
        ok = keep.get(ci)
        if ok is None:
            pf = facts[ci]
            ok = keep[ci] = ci in winners or any(
                float(_hav_km(pf.lat, pf.lon, facts[w].lat, facts[w].lon)) <= 161.0 for w in winners)
        return ok

    return [[x for x in r if "proxy" not in x[2] or supported(x[0])] if r and any("proxy" in x[2] for x in r) else r
            for r in ranked]


M_PROXY = 9  # a stand-in candidate: another place the document names (the town's county, a nearby town)
PROXY_KINDS = (K_CITY, K_ADM2, K_ADM1)
MAX_PROXIES = 5
PROXY_MAX_P1 = 0.85


def _proxy_pool(gaz: Gazetteer, spans: list[Span], ranked: list, weights) -> dict:
    """The places the document names (pass-1 winners: towns, counties, provinces) with the offsets
    where they are named. A place missing from the gazetteer ("Linden is a village in Warren County,
    Virginia") is best placed at such a co-mentioned place; the model learns when (M_PROXY features)."""
    pool: dict = {}
    for sp, r in zip(spans, ranked):
        if not r:
            continue
        top, p, _f = r[0]
        w = (sp.p_det if weights else 1.0) * p
        if w < 0.25 or int(gaz.kind[top]) not in PROXY_KINDS:
            continue
        e = pool.setdefault(top, {"keys": set(), "pos": [], "w": 0.0})
        e["keys"].add(norm(sp.text))
        e["pos"].append(sp.start)
        e["w"] = max(e["w"], w)
    return pool


def _proxies_for(sp: Span, pool: dict, own: set) -> list:
    if not pool:
        return []
    key = norm(sp.text)
    scored = []
    for ci, e in pool.items():
        if ci in own or key in e["keys"]:
            continue
        d = min(abs(x - sp.start) for x in e["pos"])
        scored.append((d, ci))
    scored.sort()
    return [(ci, M_PROXY, pool[ci]["w"]) for _d, ci in scored[:MAX_PROXIES]]


_PX_CROSS = ("px_city", "px_adm2", "px_adm1", "px_close", "px_container", "px_p1_logit", "px_w", "px_real_near",
             "px_real_adm1", "px_real_logpop", "px_real_inside", "px_noreal", "px_doc_cc", "px_textdist", "px_real_local")


def _real_summary(gaz: Gazetteer, real: list) -> dict:
    """What the span's own candidates offer, shared by all its stand-ins."""
    if not real:
        return {"px_noreal": 1.0}
    return {
        "px_real_near": max(rf.get("near_other", 0.0) for _ci, rf in real),
        "px_real_local": max(rf.get("near_local", 0.0) for _ci, rf in real),
        "px_real_logpop": max(rf["logpop"] for _ci, rf in real),
        "px_real_adm1": 1.0 if any(rf.get("adm1_in_doc") or rf.get("container") or rf.get("adm2_in_doc") or rf.get("adm1_near")
                                   for _ci, rf in real) else 0.0,
        "px_real_region": 1.0 if any(int(gaz.kind[c]) not in (K_CITY, K_ADM2) for c, _rf in real) else 0.0,
        "px_real_sim": max(rf.get("sim", 1.0) for _ci, rf in real),
    }


def _proxy_features(gaz: Gazetteer, sp: Span, ci: int, w: float, real: list, summary: dict, ctx: dict) -> dict:
    """Features of a stand-in candidate, relative to the span's own (real) candidates; ``w`` is how
    sure pass 1 was of the stand-in, ``sp.p1`` how sure it was of the span's own best candidate."""
    k = int(gaz.kind[ci])
    f = {"proxy": 1.0, "px_" + KIND_NAMES[k]: 1.0, "px_logpop": math.log10(1 + int(gaz.pop[ci])) / 7.0, "px_w": w}
    p1 = min(max(sp.p1, 1e-4), 1 - 1e-4)
    f["px_p1"] = p1
    f["px_p1_logit"] = math.log(p1 / (1 - p1)) / 5.0
    pos = ctx["ppos"].get(ci) or []
    if pos:
        d = min(abs(x - sp.start) for x in pos)
        f["px_textdist"] = math.log10(1.0 + d) / 4.0
        if d < 300:
            f["px_close"] = 1.0
    cont = sp.container
    if cont and ((k == K_ADM1 and (gaz.cc[ci], gaz.names[ci]) in cont) or (gaz.cc[ci], gaz.adm1[ci]) in cont):
        f["px_container"] = 1.0
    f.update(summary)
    if real:
        cc, a1 = gaz.cc[ci], gaz.names[ci]
        if any(gaz.cc[c] == cc and (k != K_ADM1 or gaz.adm1[c] == a1) for c, _rf in real):
            f["px_real_inside"] = 1.0
    f["px_doc_cc"] = ctx["cc_share"].get(gaz.cc[ci], 0.0)
    _add_products(f, _PX_CROSS)
    return f


def _context_from_winners(gaz: Gazetteer, spans: list[Span], ranked: list, hint, weights) -> dict:
    cc_w: dict = defaultdict(Counter)
    a1_w: dict = defaultdict(Counter)
    cc_m: dict = defaultdict(set)
    adm1_m: dict = defaultdict(set)
    adm2_m: dict = defaultdict(set)
    a1pos: dict = defaultdict(list)
    pts: dict = defaultdict(list)
    ppos: dict = defaultdict(list)
    for sp, r in zip(spans, ranked):
        if not r:
            continue
        key = norm(sp.text)
        top, p, _f = r[0]
        w = (sp.p_det if weights else 1.0) * p
        if w < 0.1:
            continue
        k = int(gaz.kind[top])
        _note_regions(gaz, sp, top, k, adm2_m, a1pos)
        if gaz.cc[top]:
            cc_w[key][gaz.cc[top]] += w
        a1 = _a1_of(gaz, top)
        if a1:
            a1_w[key][a1] += w
        if k == K_COUNTRY:
            cc_m[key].add(gaz.cc[top])
        elif k == K_ADM1:
            adm1_m[key].add((gaz.cc[top], gaz.names[top]))
            cc_m[key].add(gaz.cc[top])
        if k in (K_CITY, K_ADM1, K_ADM2):
            pts[key].append(top)
        ppos[top].append(sp.start)
    return {"cc_w": cc_w, "cc_m": cc_m, "adm1_m": adm1_m, "pts": pts, "hint": hint, "adm2_m": adm2_m, "a1pos": a1pos,
            "ppos": ppos, "a1_w": a1_w}


_CROSS = ("logpop", "pop_gap", "doc_cc", "near_other", "near_local", "adm1_in_doc", "adm1_near", "container", "cc_in_doc",
          "k_country", "k_adm1", "k_adm2", "pplc", "sim", "cc_us", "mt_alt", "cc_top", "adm1_city_twin",
          "city_adm1_twin", "a1_share", "near_frac", "supp")


def _cross(f: dict) -> None:
    """Pairwise products of the main resolution features (lets the linear model weigh, e.g.,
    population less when the document's region evidence is present)."""
    _add_products(f, _CROSS)


class _DistanceBatch:
    """Distances between gazetteer places, queued as blocks of rows and computed in one numpy pass per
    document pass: with a handful of places per span, numpy's per-call overhead, not the arithmetic, was
    the cost. Per row it gives the minimum distance, its closeness score and the count within 161 km."""

    def __init__(self) -> None:
        self.first: list[int] = []  # places (lat1) and second places (lat2) of every pair, row after row
        self.second: list[int] = []
        self.starts: list[int] = []

    def add(self, first: list[int], second: list[int], width: int) -> int:
        """Queue pairs (first[i], second[i]) in rows of ``width``; returns the number of the block's first row."""
        row = len(self.starts)
        n0 = len(self.first)
        self.starts.extend(range(n0, n0 + len(first), width))
        self.first.extend(first)
        self.second.extend(second)
        return row

    def run(self, gaz: Gazetteer) -> None:
        if not self.first:
            return
        a = np.array(self.first, dtype=np.int64)
        b = np.array(self.second, dtype=np.int64)
        d = _hav_km(gaz.lat[a], gaz.lon[a], gaz.lat[b], gaz.lon[b])
        starts = np.array(self.starts, dtype=np.int64)
        dmin = np.minimum.reduceat(d, starts)
        self.min_km = dmin.tolist()
        self.closeness = np.maximum(0.0, 1.0 - np.log10(1.0 + dmin) / 4.0).tolist()
        self.within_161 = np.add.reduceat(d <= 161.0, starts, dtype=np.int64).tolist()


def _product_rows(rows: list[int], cols: list[int]) -> tuple[list[int], list[int]]:
    """Every (row, col) pair, row by row."""
    return [r for r in rows for _ in cols], cols * len(rows)


def _score_spans(gaz: Gazetteer, spans: list[Span], full: dict, weights: dict, model: _Model, keep: int, only,
                 cross: bool = True):
    facts = _facts(gaz)
    contexts: dict = {}  # mention key -> its document context
    # spans with the same name, top candidates and container share one ranking (``fresh`` holds the first
    # of each); a span's stand-ins are added to it afterwards
    fresh: dict = {}
    plan = []
    batch = _DistanceBatch()
    for sp in spans:
        if only is not None and sp.p_det < only:
            plan.append(None)
            continue
        key = norm(sp.text)
        ctx = contexts.get(key)
        if ctx is None:
            ctx = contexts[key] = _ctx_for(full, key)
        dk = (key, sp.text, tuple(c[0] for c in sp.cands[:3]), sp.container)
        job = fresh.get(dk)
        if job is None:
            cands = [c for c in sp.cands if c[1] != M_PROXY][:MAX_CANDS]
            idx = [c[0] for c in cands]
            job = fresh[dk] = {"sp": sp, "ctx": ctx, "cands": cands, "near": None, "local": None}
            pts = ctx["points"]
            if pts and len(cands) > 1:
                job["near"] = batch.add(*_product_rows(idx, pts), len(pts))
            loc = _local_places(facts, sp, idx, ctx)
            if loc:
                job["local"] = batch.add(*_product_rows(idx, loc), len(loc))
        proxies = [c for c in sp.cands if c[1] == M_PROXY]
        proxy_row = None
        if proxies and job["cands"]:  # a stand-in within 100 km of one of the name's own places adds nothing
            real = [c[0] for c in job["cands"]]
            second, first = _product_rows([c[0] for c in proxies], real)
            proxy_row = batch.add(first, second, len(real))
        plan.append((sp, dk, ctx, proxies, proxy_row))
    batch.run(gaz)
    done: dict = {}
    out = []
    for item in plan:
        if item is None:
            out.append([])
            continue
        sp, dk, ctx, proxies, proxy_row = item
        scored = done.get(dk)
        if scored is None:
            scored = done[dk] = _score_candidates(facts, fresh[dk], batch, weights, model, cross)
        if proxies:
            if proxy_row is not None:
                proxies = [c for k, c in enumerate(proxies) if batch.min_km[proxy_row + k] > 100.0]
            scored = _add_proxies(gaz, sp, proxies, list(scored), ctx, weights, model)
        out.append(scored[:keep])
    return out


def _score_candidates(facts: _FactsTable, job: dict, batch: _DistanceBatch, weights: dict, model: _Model,
                      cross: bool) -> list:
    """A span's own candidates with their features and probabilities, best first."""
    sp, ctx, cands = job["sp"], job["ctx"], job["cands"]
    near = [None] * len(cands)
    near_frac = near_loc = None
    if job["near"] is not None:
        r0 = job["near"]
        near = batch.closeness[r0:r0 + len(cands)]
        width = len(ctx["points"])
        near_frac = [n / width for n in batch.within_161[r0:r0 + len(cands)]]
    if job["local"] is not None:
        near_loc = batch.closeness[job["local"]:job["local"] + len(cands)]
    cfacts = [facts[c[0]] for c in cands]
    maxpop = max(pf.log10pop for pf in cfacts) if cands else 0.0
    twin_city = {pf.name for pf in cfacts if pf.kind == K_CITY and (pf.fcode in ("PPLC", "PPLA") or pf.pop >= 100_000)}
    has_adm1 = any(pf.kind == K_ADM1 for pf in cfacts)
    cc_max: dict = {}
    for pf in cfacts:
        if pf.pop > cc_max.get(pf.cc, -1):
            cc_max[pf.cc] = pf.pop
    cont = sp.container
    adm2_mentioned, a1pos = ctx["adm2_mentioned"], ctx["a1pos"]
    p1_of = sp.p1_of if cross else None
    scored = []
    for r, ((ci, m, sim), pf) in enumerate(zip(cands, cfacts)):
        f = _res_features(pf, m, sim, r, ctx, near[r])
        if cont and ((pf.cc, pf.adm1) in cont or (pf.cc, "") in cont):
            f["container"] = 1.0
        f["pop_gap"] = (pf.log10pop - maxpop) / 3.0
        if len(cc_max) > 1 and pf.pop == cc_max.get(pf.cc):
            f["cc_top"] = 1.0
        if pf.kind == K_CITY:
            if pf.adm2 and (pf.cc, pf.adm1, pf.adm2) in adm2_mentioned:
                f["adm2_in_doc"] = 1.0
            pos = a1pos.get((pf.cc, pf.adm1))
            if pos and any(abs(x - sp.start) < 250 for x in pos):
                f["adm1_near"] = 1.0
        if pf.kind == K_ADM1 and twin_city:
            f["adm1_city_twin"] = 1.0
        elif has_adm1 and pf.kind == K_CITY and pf.name in twin_city:
            f["city_adm1_twin"] = 1.0
        if len(cands) == 1:
            f["single"] = 1.0
        if near_loc is not None:
            f["near_local"] = near_loc[r]
        if near_frac is not None:
            f["near_frac"] = near_frac[r]
        if p1_of is not None:  # pass 2: how pass 1 ranked the candidate (the prior when the context is thin)
            q = min(max(p1_of.get(ci, 1e-4), 1e-4), 1 - 1e-4)
            f["p1_logit"] = math.log(q / (1 - q)) / 5.0
        if cross:
            _cross(f)
        scored.append((ci, model.score(weights, f), f))
    scored.sort(key=lambda x: -x[1])
    return scored


def _local_places(facts: _FactsTable, sp: Span, cands: list[int], ctx: dict) -> list[int]:
    """The places (as resolved in pass 1) named within 300 characters of the mention, for ``near_local``:
    "X is a village in Y County" or "near Z" is the strongest local evidence."""
    ppos = ctx.get("ppos")
    if not ppos or not cands:
        return []
    own = set(cands)
    return [c for c, pos in ppos.items() if c not in own and facts[c].kind in PROXY_KINDS
            and any(abs(x - sp.start) < 300 for x in pos)]


def _add_proxies(gaz: Gazetteer, sp: Span, proxies: list, scored: list, ctx: dict, weights: dict, model: _Model) -> list:
    real = [(ci, f) for ci, _p, f in scored]
    summary = _real_summary(gaz, real)
    for ci, _m, w in proxies:
        f = _proxy_features(gaz, sp, ci, w, real, summary, ctx)
        scored.append((ci, model.score(weights, f), f))
    scored.sort(key=lambda x: -x[1])
    return scored


def fallback_candidates(gaz: Gazetteer, mention: str) -> list:
    """Candidates for a name the gazetteer lacks: the longest run of its words that is a place
    ("University of California" -> California, "Oaxaca State" -> Oaxaca), matched exactly."""
    toks = [t[2] for t in _tokens(mention)]
    n = len(toks)
    for size in range(n - 1, 0, -1):
        for i in range(0, n - size + 1):
            words = toks[i:i + size]
            if not words[0][:1].isupper() or not words[-1][:1].isupper():
                continue
            sub = " ".join(words)
            if sub.lower() in _COMMON or sub.lower() in _CONNECT:
                continue
            hits = gaz.exact(sub)
            if hits:
                return [(pi, max(m, M_PARTIAL), 0.9) for pi, m in hits][:60]
    return []


def calib_features(r: list) -> dict:
    """Features of a ranked candidate list for the P(top candidate is right) calibrator."""
    p0 = min(max(r[0][1], 1e-6), 1 - 1e-6)
    f = {"logit_top": math.log(p0 / (1 - p0)) / 5.0, "margin": p0 - (r[1][1] if len(r) > 1 else 0.0)}
    if len(r) == 1:
        f["single"] = 1.0
    f["ncand"] = math.log(len(r)) / 3.0
    return f


# ---------------------------------------------------------------- public
def _hint_set(country_hint) -> set | None:
    if not country_hint:
        return None
    if isinstance(country_hint, str):
        return {c.strip().upper() for c in country_hint.split(",") if c.strip()}
    return {c.upper() for c in country_hint}


def analyse(text: str, gaz: Gazetteer, *, country_hint=None, model: _Model | None = None, only: float | None = None):
    """Internal: spans with detection features/probabilities and ranked candidates."""
    model = model or get_model()
    hint = _hint_set(country_hint)
    spans, toks = find_spans(text, gaz, countries=hint)
    doc_lower, surnames = _doc_context(text, toks, gaz.first_names)
    add_doc_features(spans, text, toks, gaz, doc_lower, surnames)
    for sp in spans:
        sp.p_det = model.score(model.det, sp.feats)
    if _RULES.get("person", True):
        _person_rule(gaz, spans, toks)
    if hint:
        _variants_in_hint_countries(gaz, spans, hint)
    ranked = resolve_spans(gaz, spans, _hint_set(country_hint), model, only=only)
    return spans, ranked


def geoparse(text: str, *, country_hint: str | None = None, gazetteer: Gazetteer | None = None,
             threshold: float | None = None) -> list[Toponym]:
    """Detect and resolve the place names in ``text``.

    Returns Toponyms (Python str offsets) with the resolved Place, a calibrated score
    (P(toponym) * P(right place)), and up to 5 candidates considered.
    """
    gaz = gazetteer or load_gazetteer()
    model = get_model()
    thr = model.threshold if threshold is None else threshold
    spans, ranked = analyse(text, gaz, country_hint=country_hint, model=model, only=thr)
    out = []
    for sp, r in zip(spans, ranked):
        if sp.p_det < thr or not r:
            continue
        best = r[0][0]
        score = sp.p_det * model.score(model.calib, calib_features(r))
        place = gaz.place(best)
        if r[0][2].get("proxy"):  # a stand-in: the named place is near or inside this one, not it
            place.geo_precision = max(place.geo_precision, GEO_PRECISION_NEAR)
        out.append(Toponym(start=sp.start, end=sp.end, mention=sp.text, place=place,
                           score=round(float(score), 4),
                           candidates=[place] + [gaz.place(c) for c, _, f in r[1:] if not f.get("proxy")][:4]))
    return _parenthesised_aliases(text, out)


def _parenthesised_aliases(text: str, toponyms: list[Toponym]) -> list[Toponym]:
    """"Buwayrat al-Hasun (Bouyrat)": a name in brackets right after a place is another name for it."""
    for k in range(1, len(toponyms)):
        prev, cur = toponyms[k - 1], toponyms[k]
        if text[prev.end:cur.start] == " (" and text[cur.end:cur.end + 1] == ")" and cur.place != prev.place:
            toponyms[k] = Toponym(start=cur.start, end=cur.end, mention=cur.mention, place=prev.place,
                                  score=min(cur.score, prev.score), candidates=[prev.place] + cur.candidates[:4])
    return toponyms


def resolve(name: str, *, countries: tuple[str, ...] = (), near: tuple[float, float] | None = None,
            gazetteer: Gazetteer | None = None) -> Place | None:
    """Resolve a single place name (no document context), optionally restricted to ``countries``
    (ISO alpha-2) and biased towards the point ``near`` = (lat, lon)."""
    gaz = gazetteer or load_gazetteer()
    cands = gaz.candidates(name)
    if not cands:
        return None
    cs = {c.upper() for c in countries} if countries else None
    if cs:
        inside = [c for c in cands if gaz.cc[c[0]] in cs]
        if inside:
            cands = inside
        else:
            return None
    best, best_s = None, -1e9
    town_regions = {(gaz.cc[c[0]], gaz.adm1[c[0]]) for c in cands if gaz.kind[c[0]] == K_CITY}
    for ci, m, sim in cands:
        s = gaz.prior[ci] - (3.0 if gaz.kind[ci] == K_ADM1 and (gaz.cc[ci], gaz.names[ci]) in town_regions else 0.0)
        s = s - MATCH_PENALTY[m] - 8.0 * (1.0 - sim)
        if near is not None:
            d = float(_hav_km(near[0], near[1], np.array([gaz.lat[ci]]), np.array([gaz.lon[ci]]))[0])
            s -= 2.0 * math.log10(1 + d / 10.0)
        if s > best_s:
            best, best_s = ci, s
    return gaz.place(best)


def spelled_like(name: str, place: Place, min_similarity: float = 0.85, gazetteer: Gazetteer | None = None) -> bool:
    """Whether ``name`` is one of the gazetteer's names for ``place`` or nearly its spelling: a check on a
    loose transliteration match ("Sabri" is not Sabratha, "Qwertyzzz" is no town)."""
    from .normalize import similarity

    gaz = gazetteer or load_gazetteer()
    if any(gaz.place(i).geonameid == place.geonameid and gaz.place(i).name == place.name for i, _ in gaz.exact(name)):
        return True
    return similarity(name, place.name) >= min_similarity


def distance_km(a, b) -> float:
    """WGS84 geodesic distance in km between Places or (lat, lon) tuples."""
    la, oa = (a.lat, a.lon) if isinstance(a, Place) else (float(a[0]), float(a[1]))
    lb, ob = (b.lat, b.lon) if isinstance(b, Place) else (float(b[0]), float(b[1]))
    _, _, d = _geod().inv(oa, la, ob, lb)
    return float(d) / 1000.0


@lru_cache(maxsize=1)
def _geod():
    from pyproj import Geod

    return Geod(ellps="WGS84")
