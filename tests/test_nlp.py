"""NLP stage on sentences written for these tests."""
from __future__ import annotations

import pytest

from frontline.nlp import (attribution, certainty, fatalities, find_actors, find_dates, find_triggers, modality,
                           parse_number, split_sentences)


def test_sentences_respect_abbreviations_and_blank_lines():
    text = "Gen. Haftar's forces advanced. The U.S. military said so.\n\nHeadline without stop\nNext line starts here."
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Gen. Haftar's forces advanced.", "The U.S. military said so.", "Headline without stop",
        "Next line starts here."]


@pytest.mark.parametrize("mention", ["ISIS", "ISIL", "IS", "Daesh", "the Islamic State", "Islamic State"])
def test_islamic_state_aliases_are_one_actor(mention):
    found = find_actors(f"Yesterday {mention} fighters attacked the checkpoint.")
    assert [a.name for a in found] == ["Islamic State"]


def test_actor_dictionary_case_rules_and_others():
    assert find_actors("The situation is tense.") == []
    names = [a.name for a in find_actors("AQIM and Ansar al-Sharia clashed with Tunisian security forces.")]
    assert names == ["Al-Qaeda in the Islamic Maghreb", "Ansar al-Sharia", "Government of Tunisia"]
    assert [a.name for a in find_actors("Regime forces shelled the town")] == ["Government of Syria"]


def test_user_actor_file_extends_dictionary(tmp_path):
    extra = tmp_path / "more.yaml"
    extra.write_text("actors:\n  - name: Example Brigade\n    aliases: [Brigade 77, the 77th]\n", encoding="utf-8")
    from frontline.nlp.actors import ActorDictionary

    d = ActorDictionary.load(extra)
    assert [a.name for a in d.find("Brigade 77 took the bridge")] == ["Example Brigade"]
    assert [a.name for a in d.find("Daesh fled")] == ["Islamic State"]


@pytest.mark.parametrize("sentence,expected", [
    ("Militants seized the town of Harawa.", ("Battles", "Non-state actor overtakes territory")),
    ("Warplanes carried out airstrikes on the port.", ("Explosions/Remote violence", "Air/drone strike")),
    ("Shelling hit the old city.", ("Explosions/Remote violence", "Shelling/artillery/missile attack")),
    ("A suicide car bomb exploded at the gate.", ("Explosions/Remote violence", "Suicide bomb")),
    ("Heavy clashes broke out near the airport.", ("Battles", "Armed clash")),
    ("Gunmen kidnapped two engineers.", ("Violence against civilians", "Abduction/forced disappearance")),
    ("A convoy of fighters was seen in the town.", ("Strategic developments", "Other")),
    ("Police arrested three suspects.", ("Strategic developments", "Arrests")),
    ("Hundreds protested outside the parliament.", ("Protests", "Peaceful protest")),
])
def test_triggers_map_to_acled_types(sentence, expected):
    t = find_triggers(sentence)[0]
    assert (t.event_type, t.sub_event_type) == expected


@pytest.mark.parametrize("sentence,expected", [
    ("Fighters captured the radio station.", "asserted"),
    ("Militants will hop on a boat to Italy.", "future"),
    ("If the city falls, the group could reach the border.", "conditional"),
    ("It is only a matter of time before they declare allegiance.", "hypothetical"),
    ("How cold is it in Tunis?", "question"),
    ("The attack has not yet occurred.", "hypothetical"),
    ("The group did not attack the port.", "negated"),
])
def test_modality(sentence, expected):
    assert modality(sentence) == expected


@pytest.mark.parametrize("sentence,expected", [
    ("Fighters captured the radio station.", "stated"),
    ("There have also been reports of armed groups in Misrata.", "reported"),
    ("The video was reportedly shot near Derna.", "hedged"),
    ("The ministry said the town had fallen.", "reported"),
    ("Officials fear an attack on the port.", "hedged"),
])
def test_certainty(sentence, expected):
    assert certainty(sentence) == expected


@pytest.mark.parametrize("sentence,source", [
    ("On February 13 the Italian foreign ministry said that fighters had captured the station.", "the Italian foreign ministry"),
    ("The group holds the port, according to a local council member, who asked not to be named.", "a local council member"),
    ("\"We took the town,\" said Colonel Ahmed, a brigade commander.", "Colonel Ahmed"),
    ("Shelling hit the district, killing two civilians.", None),
])
def test_attribution(sentence, source):
    found = attribution(sentence)
    assert (found[0] if found else None) == source
    if found:
        assert sentence[found[1]:found[2]] == found[0]


@pytest.mark.parametrize("expression,published,expected,precision", [
    ("Three days ago fighters paraded", "2015-02-20", "2015-02-17", 1),
    ("On February 13 the ministry said", "2015-02-20", "2015-02-13", 1),
    ("clashes yesterday in the city", "2016-05-06", "2016-05-05", 1),
    ("on Monday the army advanced", "2016-03-09", "2016-03-07", 1),  # 2016-03-09 is a Wednesday
    ("on 5 December 2016 the last pocket fell", None, "2016-12-05", 1),
    ("last month the group withdrew", "2016-08-10", "2016-07-15", 3),
    ("on December 28 the strikes resumed", "2016-01-03", "2015-12-28", 1),
])
def test_dates_resolve_against_publication(expression, published, expected, precision):
    d = [x for x in find_dates(expression, published) if x.date][0]
    assert (d.date, d.time_precision) == (expected, precision)
    assert expression[d.start:d.end] == d.expression


def test_relative_date_without_publication_is_unknown():
    d = find_dates("yesterday", None)[0]
    assert d.date is None and d.time_precision == 4


@pytest.mark.parametrize("sentence,expected", [
    ("At least 12 people were killed in the fighting.", (12, 12, None)),
    ("Up to 30 civilians died.", (None, 30, 30)),
    ("55 people were killed yesterday including 20 members of the regime forces", (55, 55, 55)),
    ("The strike killed two civilians.", (2, 2, 2)),
    ("A landmine claims the lives of 2 children", (2, 2, 2)),
    ("Between 10 and 20 fighters were killed.", (10, 15, 20)),
    ("The death toll rose to 25.", (25, 25, 25)),
    ("The convoy travelled 250 km along the coast.", None),
])
def test_fatalities(sentence, expected):
    f = fatalities(sentence)
    assert (None if f is None else (f.low, f.best, f.high)) == expected


def test_parse_number():
    assert parse_number("1,300") == 1300
    assert parse_number("twenty-five") == 25
    assert parse_number("500,000") == 500000
    assert parse_number("2.5 million") == 2_500_000
    assert parse_number("several") is None


def test_modality_reads_typographic_apostrophes():
    assert modality("From there, it’s on to Rome, with the pope as the first target.") == "future"


def test_the_longer_of_overlapping_actor_names_wins():
    from frontline.nlp import actor_dictionary

    found = actor_dictionary().find("The Islamic State in Iraq and the Levant (ISIL) extended its hold")
    assert [(a.name, a.mention) for a in found] == [("Islamic State", "Islamic State in Iraq and the Levant"),
                                                    ("Islamic State", "ISIL")]


def test_an_alias_is_found_whatever_joins_its_words():
    from frontline.nlp import actor_dictionary

    d = actor_dictionary()
    for text in ("attack targeted an Ahrar al_Sham commander", "attack targeted an Ahrar al Sham commander",
                 "attack targeted an Ahrar al‐Sham commander"):
        assert [a.name for a in d.find(text)] == ["Ahrar al-Sham"], text
    assert d.canonical("ahrar al sham") == "Ahrar al-Sham"
