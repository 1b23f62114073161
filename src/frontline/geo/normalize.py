"""Name normalisation for gazetteer matching.

``norm`` folds case, diacritics, punctuation and a few abbreviations so that
"St. Louis", "Saint-Louis" and "SAINT LOUIS" share one key. ``skeleton`` goes
further for Arabic (and other) transliteration variants: it drops articles
(al-/el-/ad-/ash-...), folds ben/bin/ibn, q/k/g/c, th/t, ou/u, removes vowels
and semi-vowels after the first letter, squeezes doubled letters and drops a
final -h, so "Ben Jawad" ~ "Bin Jawwad", "Derna" ~ "Darnah", "Abu Grein" ~
"Abu Qurayn", "Nofaliya" ~ "An Nawfaliyah". Skeleton hits are re-ranked with
rapidfuzz on ``fold`` (articles dropped, vowels folded) so the fuzzy step stays
precise.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOS = dict.fromkeys(map(ord, "'’‘`ʿʾʻʼ´"), None)
_PUNCT = re.compile(r"[\-‐‑‒–—_/,;:()\[\]\"“”]+")
_DOTS = re.compile(r"\.")
_WS = re.compile(r"\s+")
_ABBR = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort", "pt": "point"}
ARTICLE_WORDS = ("al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "ed", "er", "es", "ez", "en", "et")
ARTICLE = "(?:" + "|".join(sorted(ARTICLE_WORDS, key=len, reverse=True)) + ")"  # a regex for one of them
_ARTICLES = set(ARTICLE_WORDS) | {"ul", "il", "l"}
_BEN = {"ben", "bin", "ibn", "bn", "ibni", "bani", "beni", "banu", "bnei"}
_ABU = {"abu", "abou", "abo", "bou", "bu"}
# Latin letters that unicodedata does not decompose
_SPECIAL = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss",
                          "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "þ": "th", "ı": "i", "ħ": "h"})


def fold_ascii(s: str) -> str:
    s = s.translate(_SPECIAL)
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def norm(s: str) -> str:
    """Case/diacritic/punctuation-folded key. "U.S." -> "us", "St. Louis" -> "saint louis"."""
    if s.isascii() and s.replace(" ", "").isalpha():
        return " ".join(_ABBR.get(w, w) for w in s.lower().split())
    s = fold_ascii(s).lower().translate(_APOS)
    s = _DOTS.sub(" ", s) if " " in s.strip(".") or not re.fullmatch(r"(?:\w\.)+\w?\.?", s) else _DOTS.sub("", s)
    s = _PUNCT.sub(" ", s)
    words = _WS.sub(" ", s).strip().split(" ")
    words = [_ABBR.get(w, w) for w in words if w]
    return " ".join(words)


def _strip_articles(words: list[str]) -> list[str]:
    out = []
    for i, w in enumerate(words):
        if w in _ARTICLES and (i + 1 < len(words)):
            continue
        if w in _BEN:
            w = "bn"
        elif w in _ABU:
            w = "ab"
        elif w == "the" and i + 1 < len(words):
            continue
        out.append(w)
    return out


_FOLD_SUBS = [("ou", "u"), ("ee", "i"), ("oo", "u"), ("e", "i"), ("o", "u"), ("q", "k"), ("c", "k"),
              ("ph", "f"), ("y", "i"), ("w", "u")]


@lru_cache(maxsize=200_000)
def fold(s: str) -> str:
    """Articles dropped, vowels folded, doubled letters squeezed: for fuzzy comparison."""
    words = _strip_articles(norm(s).split(" "))
    out = []
    for w in words:
        for a, b in _FOLD_SUBS:
            w = w.replace(a, b)
        w = re.sub(r"(.)\1+", r"\1", w)
        if len(w) > 3 and w.endswith("h") and w[-2] in "aiu":
            w = w[:-1]
        out.append(w)
    return " ".join(out)


@lru_cache(maxsize=200_000)
def skeleton(s: str) -> str:
    """Consonant skeleton for transliteration-variant lookup (lossy; verify with ``similarity``)."""
    words = _strip_articles(norm(s).split(" "))
    out = []
    for w in words:
        if w in ("bn", "ab"):
            out.append(w)
            continue
        w = (w.replace("th", "t").replace("dh", "d").replace("kh", "k").replace("gh", "g")
             .replace("sh", "s").replace("ch", "s").replace("ph", "f").replace("ou", "u"))
        w = w.translate(str.maketrans("qcgz", "kkks"))
        first, rest = w[:1], w[1:]
        if first in "aeiouyw":
            first = "a"
        rest = re.sub(r"[aeiouyw]", "", rest)
        if len(rest) > 1 and rest.endswith("h"):
            rest = rest[:-1]
        w = re.sub(r"(.)\1+", r"\1", first + rest)
        if w:
            out.append(w)
    return " ".join(out)


def similarity(a: str, b: str) -> float:
    """0..1 similarity of two names after folding (rapidfuzz ratio)."""
    from rapidfuzz.fuzz import ratio

    return ratio(fold(a), fold(b)) / 100.0


def is_latin(s: str) -> bool:
    return all(ord(ch) < 0x250 or unicodedata.combining(ch) or ch in "’‘ʿʾʻʼ" for ch in s)
