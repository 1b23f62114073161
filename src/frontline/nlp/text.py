"""Sentences, paragraphs, modality, certainty and source attribution (rule-based, English)."""
from __future__ import annotations

import re

_ABBREV = {"mr", "mrs", "ms", "dr", "gen", "col", "lt", "maj", "capt", "sgt", "st", "jan", "feb", "mar", "apr",
           "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "no", "vs", "etc", "e.g",
           "i.e", "approx", "jr", "sr", "prof", "gov", "sen", "rep", "ft", "mt", "al"}
_BOUNDARY = re.compile(r"([.!?…]+)([\"'”’)\]]*)(\s+|$)|\n\s*\n|\n(?=[A-Z#*\"“])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) into ``text``; blank lines and headline lines also end a sentence."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group(1):
            before = text[start:m.start(1)]
            word = re.search(r"([\w.]+)$", before)
            if m.group(1) == "." and word:
                w = word.group(1).lower()
                if w in _ABBREV or (len(w) == 1 and w.isalpha()) or re.fullmatch(r"(\w\.)+\w?", w):
                    continue
            nxt = text[m.end():m.end() + 1]
            if nxt and nxt.islower() and m.group(1) == ".":
                continue
            end = m.end(1) + len(m.group(2) or "")
        else:
            end = m.start()
        _add(spans, text, start, end)
        start = m.end()
    _add(spans, text, start, len(text))
    return spans


def _add(spans: list, text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans, separated by blank lines."""
    spans = []
    start = 0
    for m in re.finditer(r"\n\s*\n", text):
        _add(spans, text, start, m.start())
        start = m.end()
    _add(spans, text, start, len(text))
    return spans


# --- modality: is the statement about something that happened? ---------------------
_FUTURE = re.compile(
    r"\b(will|won't|shall|going to|gonna|intends? to|intended to|plans? to|planned to|poised to|set to|about to|"
    r"promis(?:e|es|ed|ing) to|(?:try|tries|trying|tried|attempt|attempts|attempting|attempted|seek|seeks|seeking|sought) to|threaten(?:s|ed|ing)? to|vow(?:s|ed)? to|aims? to|prepar(?:es|ing) to|"
    r"it'?s on to|it is on to|would|could|might|should|may well|is likely to|are likely to|expected to|"
    r"eventually|tomorrow|next year|next month|in the future|soon)\b", re.I)
_CONDITIONAL = re.compile(r"\b(?:if|unless|in case|whether|when that)\b|\bonce (?!again\b|more\b|a\b|an\b)", re.I)
_HYPOTHETICAL = re.compile(
    r"\b(matter of time|imagine|suppose|it'?s not a stretch|we may assume|may assume|hypothetical|potential|"
    r"fears? (?:an?|the)|feared|risk of|threat of|danger of|would-be|scenario|if ever|perhaps|could well|"
    r"has not yet occurred|not yet happened|never happened|did not happen|intends|"
    r"(?:is|are) (?:almost )?a given)\b", re.I)
_DIRECTIVE = re.compile(r"\b(?:urg(?:e|es|ed|ing)|call(?:s|ed)? on|calling on|demand(?:s|ed|ing)?|ask(?:s|ed)?|press(?:es|ed)|"
                        r"appeal(?:s|ed)? to)\b[^.;]{0,80}?\bto (?:stop|end|halt|cease|back|support|join|withdraw|leave|"
                        r"accept|form|agree|hand|lay|respect|refrain|allow|protect|open)\b", re.I)
_NEGATED = re.compile(r"\b(did not|didn't|has not|hasn't|have not|haven't|was not|wasn't|were not|weren't|never|no longer|denied)\b", re.I)


def modality(sentence: str) -> str:
    """asserted | future | conditional | hypothetical | question | negated.

    Only an asserted statement can become an event; everything else is a claim.
    """
    s = sentence.strip().replace("’", "'")
    if s.endswith("?") or re.match(r"^(how|what|why|will|would|could|can|is|are|does|do|did|should|who)\b.*\?", s, re.I):
        return "question"
    if _HYPOTHETICAL.search(s):
        return "hypothetical"
    if _CONDITIONAL.search(s):
        return "conditional"
    if _DIRECTIVE.search(s):
        return "hypothetical"  # "urged the factions to stop fighting": asked for, not done
    if _FUTURE.search(s):
        return "future"
    if _NEGATED.search(s):
        return "negated"
    return "asserted"


# --- certainty ------------------------------------------------------------------------
_HEDGED = re.compile(
    r"\b(reportedly|allegedly|purportedly|apparently|likely|unlikely|possibly|probably|perhaps|may have|might have|"
    r"could have|fears?|feared|said to be|is believed|are believed|believed to|thought to|suspected|unconfirmed|"
    r"unverified|rumou?red|seems?|seemed|appears? to|claimed to|it is likely|presumably)\b", re.I)
_REPORTED = re.compile(
    r"\b(reports? of|reported|according to|said|says|told|stated|announced|claimed|confirmed|sources?|"
    r"witnesses|residents said|statement)\b", re.I)


def certainty(sentence: str) -> str:
    """stated | reported | hedged (hedging wins over attribution)."""
    if _HEDGED.search(sentence):
        return "hedged"
    if _REPORTED.search(sentence):
        return "reported"
    return "stated"


# --- source attribution ----------------------------------------------------------------
_SPEECH = r"(?:said|says|say|stated|states|reported|reports|announced|announces|claimed|claims|told|warned|confirmed|added|noted|declared|insisted)"
_ACCORDING = re.compile(r"\baccording to ([^,.;:]+?)(?=[,.;:]|\s+(?:the|a|an)\s+\w+\s+(?:is|are|was|were|fears?|has|have)\b|$)", re.I)
_X_SAID = re.compile(rf"(?P<src>(?:[A-Z“\"]|the |a |an |former |[0-9])[^,;:.!?]{{2,140}}?)(?<!\bis)(?<!\bare)(?<!\bwas)(?<!\bwere)(?<!\bbeen)(?<!\bbe)\s+{_SPEECH}\b(?!\s+to\b|\s+of\b|\s+(?:the\s+)?(?:lives?|responsibility)\b|\s+\d)", re.S)
_SAID_X = re.compile(rf"[,”\"]\s*{_SPEECH}\s+(?P<src>(?:the |a |an )?[A-Z][^,.;:!?]{{2,80}})")
_LEADING_TIME = re.compile(
    r"^(?:(?:(?:on|in|by|since|last|early|late)\s+(?:\w+\s+\d{1,2}(?:st|nd|rd|th)?|\d{1,2}(?:st|nd|rd|th)?\s+\w+|"
    r"[A-Z]\w+day|\w+\s+(?:19|20)\d\d|week|month|year|night)(?:,?\s+(?:19|20)\d\d)?|"
    r"earlier|later|more recently|recently|yesterday|today|meanwhile|however|but|and|also|then|now|separately)"
    r"\s*,?\s+)+", re.I)
_TRAILING_ADVERB = re.compile(r"(?:\s+(?:recently|also|previously|earlier|later|yesterday|today|again|has|have|had|"
                              r"officially|publicly|separately|then|now))+$", re.I)
_NOT_SOURCE = re.compile(r"^(?:it|this|that|which|who|there|he|she|they|we|i|you)$", re.I)


def attribution(sentence: str) -> tuple[str, int, int] | None:
    """The source a sentence attributes its content to, with offsets into ``sentence``.

    "On February 13 the Italian foreign ministry said that ..." -> "the Italian foreign ministry".
    """
    m = _ACCORDING.search(sentence)
    if m:
        src = m.group(1).strip()
        if src.lower() not in {"reports", "recent reports", "media reports", "sources"}:
            return _trimmed(sentence, m.start(1), m.start(1) + len(src))
        return src, m.start(1), m.start(1) + len(src)
    m = _X_SAID.search(sentence)
    if m:
        start, end = m.start("src"), m.end("src")
        chunk = sentence[start:end]
        # the source is the last clause before the speech verb
        cut = max(chunk.rfind(", "), chunk.rfind("; "), chunk.rfind(" that "))
        if cut >= 0:
            start += cut + (6 if chunk[cut:cut + 6] == " that " else 2)
        src_text = sentence[start:end]
        lead = _LEADING_TIME.match(src_text)
        if lead and lead.end() < len(src_text):
            start += lead.end()
        trail = _TRAILING_ADVERB.search(sentence[start:end])
        if trail:
            end = start + trail.start()
        src_text = sentence[start:end].strip(" \"“”")
        if src_text and not _NOT_SOURCE.match(src_text) and len(src_text.split()) <= 16:
            s = sentence.find(src_text, start)
            return src_text, s, s + len(src_text)
    m = _SAID_X.search(sentence)
    if m:
        return _trimmed(sentence, m.start("src"), m.end("src"))
    return None


def _trimmed(sentence: str, start: int, end: int) -> tuple[str, int, int]:
    text = sentence[start:end]
    stripped = text.strip()
    s = start + text.find(stripped)
    return stripped, s, s + len(stripped)
