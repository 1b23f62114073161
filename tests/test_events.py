"""Event coder on short reports written for these tests (real gazetteer, no mocks)."""
from __future__ import annotations

import pytest

from frontline.events import code_document, country_hint
from frontline.nlp import actor_dictionary, fatalities
from frontline.records import Document


def _events(text: str, published: str | None = "2016-05-06"):
    doc = Document(doc_id="t", text=text, published=published, date_precision="day" if published else None,
                   outlet="Test Wire")
    return code_document(doc)[1]


def test_capture_with_actor_place_date_and_provenance():
    text = "MISRATA - Islamic State fighters captured the village of Abu Grein on Thursday, a local commander said."
    [event] = _events(text)
    assert event.actor1 == "Islamic State"
    assert event.sub_event_type == "Non-state actor overtakes territory"
    assert event.event_date == "2016-05-05" and event.time_precision == 1
    assert event.place.country == "LY" and event.attributed_to == "a local commander"
    assert text[event.char_start:event.char_end] == event.quote and event.source == "Test Wire"


def test_state_forces_regain_territory():
    [event] = _events("Tunisian troops recaptured positions near Kasserine yesterday.")
    assert event.actor1 == "Government of Tunisia" and event.sub_event_type == "Government regains territory"
    assert event.event_date == "2016-05-05" and event.place.country == "TN"


def test_future_and_conditional_statements_make_no_event():
    assert _events("The militants will attack Tripoli next week.") == []
    assert _events("If the army withdraws, fighters could seize Sirte.") == []
    assert _events("Will the group capture Derna?") == []


def test_list_of_places_gives_one_event_per_place():
    events = _events("Islamic State flags were seen in Sirte, Harawa and Nofaliya on Monday.")
    assert len(events) == 3
    assert {e.actor1 for e in events} == {"Islamic State"}


def test_origin_place_is_not_the_event_place():
    events = _events("Fighters from Syria attacked a checkpoint in Sabratha.")
    assert [e.place.country for e in events] == ["LY"]


def test_fatalities_go_to_the_event():
    [event] = _events("At least 12 people were killed in clashes in Benghazi on Sunday.")
    assert (event.fatalities_low, event.fatalities_best, event.fatalities_high) == (12, 12, None)
    assert event.sub_event_type == "Armed clash"


def test_generic_forces_resolve_to_the_government_of_the_place():
    [event] = _events("Militants attacked security forces in Kasserine on Friday.")
    assert event.actor2 == "Government of Tunisia"


def test_document_without_date_still_yields_event():
    [event] = _events("Islamic State fighters seized the port of Sirte.", published=None)
    assert event.event_date is None and event.time_precision == 4


def test_country_hint_from_domestic_actors():
    d = actor_dictionary()
    assert country_hint("Regime forces shelled the town", d) == "SY"
    assert country_hint("Tunisian troops and the National Guard", d) == "TN"
    assert country_hint("A quiet day", d) is None


# Headlines written for this test, each with the number of dead it states (low, best, high).
ANNOTATED = [
    ("Seven civilians killed in airstrikes on a market town", (7, 7, 7)),
    ("At least 15 fighters killed in clashes on the northern front", (15, 15, None)),
    ("Death toll from car bomb rises to 23", (23, 23, 23)),
    ("Shelling kills three children and a woman in the old city", (3, 3, 3)),
    ("Up to 40 soldiers feared dead after ambush", (None, 40, 40)),
    ("Between 20 and 30 militants killed as army advances", (20, 25, 30)),
    ("More than 100 people were killed in a week of fighting", (100, 100, None)),
    ("Two policemen shot dead at a checkpoint", (2, 2, 2)),
    ("Landmine claims the lives of 4 shepherds", (4, 4, 4)),
    ("Airstrike kills 9 members of one family", (9, 9, 9)),
    ("Clashes continue with no casualties reported", None),
    ("Convoy of 300 vehicles crosses into the province", None),
    # constructions of the UCDP dev headlines, reworded
    ("Rocket fire on a market leaves 9 martyrs from three families", (9, 9, 9)),
    ("Shelling on the old quarter kills 6 and injures dozens", (6, 6, 6)),
    ("About 20 dead and wounded in an explosion at a fuel depot", None),
    ("4 persons were killed and captured during a raid on a farm", None),
    ("The killing of 12 fighters in the past 24 hours raises the toll of the offensive", (12, 12, 12)),
    ("63 were killed yesterday including 10 members of the regime forces", (63, 63, 63)),
    ("More than 40 hours of shelling leave the town without power", None),
    ("Aerial bombardment claims the lives of 8 persons in the besieged district", (8, 8, 8)),
]


@pytest.mark.parametrize("headline,expected", ANNOTATED)
def test_fatalities_on_annotated_headlines(headline, expected):
    found = fatalities(headline)
    assert (None if found is None else (found.low, found.best, found.high)) == expected


def test_dateline_month_names_and_foreign_named_buildings_are_not_event_places():
    events = _events("TUNIS - Gunmen attacked a police post in Kasserine in March, the interior ministry said.")
    assert [e.place.country for e in events] == ["TN"] and events[0].location != "TUNIS"
    assert all(e.location.lower() != "march" for e in events)
    events = _events("Islamic State fighters seized the Ouagadougou conference centre in Sirte.")
    assert {e.place.country for e in events} == {"LY"}


def test_directives_are_not_events():
    assert _events("Delegates meeting in Rome urged the rival factions to stop fighting in Sirte.") == []


def test_unsure_places_abroad_give_way_to_the_reports_country():
    # the report is about Syria (regime forces): "Palmyra" is Tadmur, not a US town
    events = _events("Regime forces advanced near Palmyra on Sunday.")
    assert events and all(e.place.country == "SY" for e in events)
    assert _events("Clashes in Eastern areas continued.") == []


def test_locative_names_the_geoparser_missed_still_place_the_event():
    events = _events("24 ISIS operatives killed, including 3 commanders and 8 civilians, in intensive air strikes on Raqqa")
    assert [(e.place.country, e.sub_event_type) for e in events] == [("SY", "Air/drone strike")]


def test_user_given_country_helps_short_reports():
    doc = Document(doc_id="t", text="Fighters seized Nofaliya on Monday.", published="2015-02-10")
    [unlocated] = code_document(doc)[1]
    assert unlocated.place is None and unlocated.actor1 == "Unidentified armed group"
    [event] = code_document(doc, country="LY")[1]
    assert event.place.country == "LY" and event.event_date == "2015-02-09"


def test_headlines_of_a_collection_are_read_in_its_country():
    from frontline.events import collection_country

    headlines = ["Regime forces shell Idlib and Hama", "Clashes between the SDF and ISIS in Raqqa",
                 "Syrian army advances near Palmyra", "Warplanes bomb Douma",
                 "Helicopters of the regime bomb Daraya with barrels of explosives"]
    docs = [Document(doc_id=f"h{i}", text=t, published="2016-05-06") for i, t in enumerate(headlines)]
    assert collection_country(docs) == "SY"
    assert collection_country(docs[:2]) is None  # too few reports to say
    douma = docs[3]
    [alone] = code_document(douma)[1]  # alone, "Douma" is not recognised as a place
    assert alone.place is None and alone.actor1 == "Government forces"
    [event] = code_document(douma, collection="SY")[1]
    assert event.place.country == "SY" and event.sub_event_type == "Air/drone strike"


def test_countryside_of_a_city_is_its_province():
    [event] = _events("Continued clashes between regime forces and IS in Homs countryside")
    assert event.place.feature_code == "ADM1" and event.place.country == "SY"
    [city] = _events("Continued clashes between regime forces and IS in Homs city")
    assert city.place.feature_class == "P"


def test_named_conflict_regions_place_events():
    [event] = _events("Regime forces shell towns in the Eastern Ghouta")
    assert event.location == "Eastern Ghouta" and event.place.country == "SY"
    assert event.actor1 == "Government of Syria"


def test_death_toll_is_not_an_attribution():
    [event] = _events("A massacre in Idlib claims the lives of 7 civilians")
    assert event.attributed_to is None and event.place.country == "SY" and event.fatalities_best == 7
    [said] = _events("A massacre in Idlib claims the lives of 7 civilians, the Observatory said.")
    assert said.attributed_to == "the Observatory"


def test_report_without_a_place_keeps_its_event_unlocated():
    [event] = _events("115 people were killed yesterday, including 21 members of the regime forces")
    assert event.place is None and event.location is None
    assert event.actor1 == "Government forces" or event.actor2 == "Government forces" or \
        "Government of Syria" in (event.actor1, event.actor2)
    assert event.event_date == "2016-05-05" and event.fatalities_best == 115
    # a sentence without a named actor is not an event
    assert _events("115 people were killed yesterday") == []


def test_a_place_that_names_whose_forces_is_not_the_event_place():
    events = _events("Islamic State fighters took over the air base south of Sirte after Misrata's 166 Brigade "
                     "abandoned its positions.")
    assert all(e.place is None or e.place.name != "Misratah" for e in events)


def test_a_site_inside_a_town_is_part_of_it_not_all_of_it():
    [event] = _events("Fighters flying the Islamic State flag took over Sirte's Ibn Sina hospital on Friday.")
    assert event.place.name == "Sirte" and event.sub_event_type == "Non-state actor overtakes territory"
    assert event.geo_precision == 2  # the hospital was taken, not the town
    [event] = _events("Islamic State fighters took over Sirte on Friday.")
    assert event.geo_precision == 1
    for text in ("Islamic State fighters captured radio and TV stations in Sirte on Friday.",
                 "Islamic State fighters abandoned positions in several Sirte neighbourhoods on Friday."):
        [event] = _events(text)
        assert event.place.name == "Sirte" and event.geo_precision == 2, text


def test_a_relative_clause_describes_it_does_not_locate():
    text = ("Islamic State fighters have taken control of Buwayrat al-Hasun (Bouyrat), close to Abu Grein, "
            "which is regarded as the gateway to Misrata's territory.")
    events = code_document(Document(doc_id="t", text=text, published="2015-06-15"), country="LY")[1]
    assert [e.location for e in events] == ["Buwayrat al-Hasun"]
    assert events[0].actor1 == "Islamic State" and events[0].place.country == "LY"


def test_a_place_held_briefly_was_raided_not_taken():
    [event] = _events("Islamic State militants briefly took over the security directorate in Sabratha overnight.")
    assert event.sub_event_type == "Armed clash"


def test_an_aim_after_an_event_does_not_unmake_it_but_one_before_does():
    assert not _events("The regime forces attempt to storm Daraa.")
    assert _events("Regime forces shelled Daraa in an attempt to cut the road.")


def test_a_clause_with_an_aim_still_asserts_what_happened():
    events = _events("The regime forces advance again in Aleppo and seek to secure its airport")
    assert [e.place.country for e in events] == ["SY"]
    assert _events("The regime forces seek to advance in Aleppo") == []


def test_a_subordinate_clause_has_its_own_subject():
    [event] = _events("Islamic State militants were falling back on Thursday as Misratan-led brigades allied to the "
                      "government pushed into the centre of Sirte.")
    assert event.actor1 != "Islamic State" and event.actor2 == "Islamic State"


def test_a_death_toll_without_a_place_keeps_every_side_it_names():
    events = code_document(Document(
        doc_id="t", published="2017-01-05",
        text="47 killed yesterday including 11 members of the regime forces and militiamen loyal to them, and 19 "
             "civilians killed in shelling by the Islamic State."), collection="SY")[1]
    named = {a for e in events for a in (e.actor1, e.actor2)}
    assert {"Government of Syria", "Islamic State", "Civilians"} <= named
    assert all(e.place is None for e in events) and sum(e.fatalities_best or 0 for e in events) == 47


def test_history_is_the_sentence_that_names_it_unless_the_paragraph_opens_with_it():
    text = ("Islamic State militants attacked the Sidra oil terminal on Monday.\n\n"
            "There were reports that Libya Dawn aircraft had attacked the militants.\n\n"
            "The group meanwhile claims to have taken the town of Ben Jawad. Ben Jawad changed hands several "
            "times during the 2011 revolution.\n\n"
            "In 2011 rebels captured Sirte after weeks of fighting. They then took Ben Jawad.")
    events = code_document(Document(doc_id="t", text=text, published="2016-01-04"), country="LY")[1]
    takes = [e for e in events if e.sub_event_type == "Non-state actor overtakes territory"]
    assert [(e.location, e.actor1, e.event_date) for e in takes] == [("Ben Jawad", "Islamic State", "2016-01-04")]


def test_an_incident_monitors_log_heading_is_its_kind_of_event():
    text = "March 16th 2017: (S470) Euphrates Dam, Al Tabaqa, Raqqa governorate, Syria"
    doc = Document(doc_id="t", text=text, published="2017-03-20", outlet="Airwars")
    [event] = code_document(doc)[1]
    assert event.sub_event_type == "Air/drone strike" and event.event_date == "2017-03-16"
    assert event.place.country == "SY" and event.location in ("Euphrates Dam", "Al Tabaqa")
    assert abs(event.place.lat - 35.84) < 0.3 and abs(event.place.lon - 38.55) < 0.3  # Tabqa and its dam
    assert event.quote == text and event.certainty == "reported"
    # an approximate date, a sub-incident code, a place named before the code; a namesake abroad is skipped
    doc = Document(doc_id="t", text="Around July 11th 2017: (S1040a) Qasr al Banat, Raqqa, Raqqa governorate, Syria",
                   published="2017-08-01", outlet="SOHR;Airwars")
    [event] = code_document(doc)[1]
    assert event.event_date == "2017-07-11" and event.place.country == "SY"
    assert abs(event.place.lat - 35.95) < 0.5 and abs(event.place.lon - 39.01) < 0.5
    # the same heading from an outlet that is not an incident monitor states no event
    other = Document(doc_id="t", text=text, published="2017-03-20", outlet="Test Wire")
    assert code_document(other)[1] == []


@pytest.mark.parametrize("headline,sub_type,actor1,place", [
    ("The Islamic State organization execute a young man in al-Busayrah in the countryside of Deir Ezzor",
     "Attack", "Islamic State", "al-Busayrah"),
    ("The Islamic State crucifies 3 civilians in the city of Raqqa", "Attack", "Islamic State", "Raqqa"),
    ("3 corpses found in Daraa with marks of torture", "Attack", None, "Daraa"),
    ("Clashes continue in the eastern Ghouta, losses reported", "Armed clash", None, "eastern Ghouta"),
    ("A suicidal operation by one of ISIS members in Manbij city", "Suicide bomb", "Islamic State", "Manbij"),
    ("The regime forces expand their control and control an ancient palace in al-Sukhnah",
     "Government regains territory", "Government of Syria", "al-Sukhnah"),
    ("The Islamic State organization carries out the 5th stoning in Al-Mayadin city", "Attack", "Islamic State",
     "Al-Mayadin"),
    ("Assassination by a silencer weapon in al-Busayrah by active cells attempting to spread chaos in the area",
     "Attack", None, "al-Busayrah"),
    ("Syrian Democratic Forces take control of parts of a neighborhood in Manbij city",
     "Non-state actor overtakes territory", "SDF", "Manbij"),
    ("Turkish Forces control the first village east of Tal Abyad", "Government regains territory",
     "Government of Turkey", "Tal Abyad"),
    ("Rebels devastate a tank and 3 vehicles for regime forces in Aleppo", "Looting/property destruction",
     "Syrian insurgents", "Aleppo"),
    ("YPG fighters continue their operations in Afrin area against the Turkish forces", "Armed clash", "SDF", "Afrin"),
    ("A child dies in the countryside of Ras al-Ayn", "Attack", None, "Ras al-Ayn"),
])
def test_headline_constructions(headline, sub_type, actor1, place):
    doc = Document(doc_id="t", text=headline, published="2017-05-05", outlet="Test Wire")
    events = [e for e in code_document(doc, country="SY")[1] if e.location == place]
    assert events, code_document(doc, country="SY")[1]
    assert any(e.sub_event_type == sub_type and e.actor1 == actor1 for e in events), events


def test_the_side_that_pulls_back_loses_the_place():
    [event] = _events("Regime forces withdraw from Palmyra as Islamic State fighters close in.", "2016-12-11")
    assert event.sub_event_type == "Non-violent transfer of territory" and event.place.country == "SY"
    assert event.actor2 == "Government of Syria" and event.actor1 in (None, "Islamic State")
    [event] = _events("Islamic State commanders pulled their fighters out of Bin Jawad on Thursday.")
    assert event.actor2 == "Islamic State" and event.actor1 is None and event.place.country == "LY"


def test_a_compass_part_of_a_country_is_that_part():
    [event] = _events("Turkish airstrikes kill 18 Islamic State militants in northern Syria: army")
    assert event.place.name == "Northern Syria" and event.geo_precision == 3 and event.place.geonameid is None
    assert 35.5 < event.place.lat < 36.5 and 38.3 < event.place.lon < 39.5  # not the country's middle (35, 38)
    [event] = _events("Clashes erupted in eastern Syria on Monday.")
    assert event.place.lon > 39.5


def test_a_region_is_placed_where_its_people_live():
    from frontline.geo import distance_km

    homs_city = (34.724, 36.726)
    [event] = _events("Continued clashes in Homs countryside on Monday.")
    assert event.geo_precision == 3 and event.place.geonameid is not None
    assert distance_km((event.place.lat, event.place.lon), homs_city) < 40  # the middle of the province's extent is 78 km off, in the desert
    [event] = _events("Clashes renewed in the northern countryside of Homs on Monday.")
    assert event.place.name == "Northern Homs" and event.geo_precision == 3
    assert event.place.lat > 34.74 and distance_km((event.place.lat, event.place.lon), homs_city) < 50
    [event] = _events("Warplanes bomb Aleppo's western countryside.")
    assert event.place.name == "Western Aleppo" and event.place.lon < 37.3
    # "the south-west of" a province is a part of it
    [event] = _events("The regime's helicopters bomb several areas in the south-west of Rif Dimashq province.")
    assert event.place.name.startswith("Southwestern") and event.geo_precision == 3
    # a spelling that names only the city still reaches its province
    [event] = _events("Continuous bombing on the eastern countryside of Deir Ezzor.")
    assert event.place.name == "Eastern Deir ez-Zor" and event.geo_precision == 3


def test_a_province_event_of_another_trigger_is_not_the_towns():
    events = _events("Raids on Manbij and clashes in the northern countryside of Aleppo on Monday.")
    assert {e.location for e in events} == {"Manbij", "Aleppo"}
    [event] = _events("Fighting erupted in Idlib province, in Saraqib, on Monday.")
    assert event.location == "Saraqib"  # the same fighting, placed in the town


def test_a_place_that_witnesses_an_event_is_where_it_happened():
    events = _events("Daraa city witnesses skirmishes between the regime forces and the factions and the "
                     "bombardment on Idlib countryside leaves 7 casualties at least", "2017-05-05")
    assert {e.location for e in events} == {"Daraa", "Idlib"}
    events = _events("Jabal al-Akrad and Jabal al-Turkman are witnessing continued clashes", "2017-05-05")
    assert {e.location for e in events} == {"Jabal al-Akrad", "Jabal al-Turkman"}
    # a compass word ("the Syrian South") does not make the report one about another country
    [event] = _events("New breaches in the Syrian South truce and an exchange of shelling in Daraa city leave "
                      "about 15 people killed and injured", "2017-05-05")
    assert event.location == "Daraa" and event.place.country == "SY"


def test_air_strikes_are_by_those_with_aircraft():
    [event] = _events("Islamic State positions in Raqqa were hit by air strikes on Monday.", "2017-05-05")
    assert event.sub_event_type == "Air/drone strike" and event.actor1 is None and event.actor2 == "Islamic State"
    [event] = _events("Iraq launches 'deadly strikes' against ISIL inside Syria", "2017-05-05")
    assert event.sub_event_type == "Air/drone strike" and event.place.country == "SY"
    [event] = _events("2 massive explosions rock al-Qamishli city near the Turkish borders", "2017-05-05")
    assert event.location == "al-Qamishli" and event.place.country == "SY"


def test_a_near_place_in_a_phrase_of_its_own_is_another_location():
    events = _events("Clashes in the vicinity of the Palmyra area and in Jobar at the outskirts of Damascus",
                     "2017-05-05")
    assert {e.place.name for e in events} >= {"Damascus"} and len(events) == 2
    assert all(e.geo_precision == 2 for e in events)
    [event] = _events("Fighting in Sirte, south of Misrata, on Monday.")
    assert event.location == "Sirte"  # "south of Misrata" only says where Sirte is
    [event] = _events("Turkish drones target several locations in the area between Tal Tamr and Abu Rasin",
                      "2019-10-20")
    assert event.location == "Tal Tamr" and event.geo_precision == 2


def test_a_town_an_event_is_near_says_more_than_the_region_it_is_in():
    events = _events("US warplanes struck a training camp of the Islamic State near Sabratha in western Libya on "
                     "Friday, the Pentagon said.", "2016-02-20")
    assert any(e.location == "Sabratha" and e.geo_precision == 2 for e in events)
    [event] = _events("Air strike hits militant camp near Sabratha", "2016-02-20")
    assert event.sub_event_type == "Air/drone strike"
    [event] = _events("Government forces captured the main conference centre in Sirte on Wednesday.", "2016-08-11")
    assert event.location == "Sirte" and event.geo_precision == 2


def test_a_family_named_before_the_place_does_not_make_it_an_origin():
    events = code_document(Document(doc_id="t", published="2017-01-10", outlet="SOHR", text=(
        "Casualties from the same family in the town of Al-Ghantu and clashes on the highway of Damascus")),
        collection="SY")[1]
    assert {e.location for e in events} == {"Al-Ghantu", "Damascus"}


def test_a_near_place_in_a_phrase_of_its_own_before_the_other_is_a_location_too():
    events = code_document(Document(doc_id="t", published="2017-01-10", outlet="SOHR", text=(
        "Casualties and injuries in airstrikes at the countryside of Saraqeb and cargo planes drop aid again on "
        "the city of Deir Ezzor")), collection="SY")[1]
    assert {e.location for e in events} == {"Saraqeb", "Deir Ezzor"}
    saraqeb = next(e for e in events if e.location == "Saraqeb")
    assert saraqeb.place.name == "Saraqib" and saraqeb.geo_precision == 2




@pytest.mark.parametrize("headline,place", [
    ("12 days of changing the power balance in Afrin area claim the lives of at least 180 fighters", "Afrin"),
    ("87 days of escalation on the capital Damascus claim 87 lives", "Damascus"),
    # the roads between places are near the first of them, not an origin
    ("SDF cut off all the main roads between Manbij, Aleppo and Jarablos and more than 190 were killed in 10 days "
     "of fighting", "Manbij"),
])
def test_deaths_stated_as_lives_claimed_are_located(headline, place):
    doc = Document(doc_id="t", text=headline, published="2017-05-05", outlet="Test Wire")
    events = code_document(doc, country="SY")[1]
    assert any(e.location == place and e.event_type != "Strategic developments" for e in events), events


def test_a_quoted_operation_name_is_neither_a_place_nor_an_event():
    events = code_document(Document(doc_id="t", published="2017-10-10", outlet="SOHR", text=(
        "Coalition warplanes kill 15 citizens in the areas of “Jazeera Storm” Operation near Deir Ezzor city")),
        collection="SY")[1]
    assert [e.location for e in events] == ["Deir Ezzor"]
    assert events[0].sub_event_type != "Non-state actor overtakes territory"  # "Storm" names the operation


def test_khan_and_road_are_not_places_on_their_own():
    from frontline.geo import geoparse

    assert geoparse("Fierce attack in the vicinity of Khan Toman", country_hint="SY") == []
    assert [t.mention for t in geoparse("Clashes at the Road of Azaz", country_hint="SY")] == ["Azaz"]


def test_a_place_before_the_trigger_counts_when_the_trigger_has_only_an_origin_after_it():
    events = code_document(Document(doc_id="t", published="2018-01-10", outlet="SOHR", text=(
        "The minefields blocking the access to Aleppo city cause a massacre of 13 people from Afrin")),
        collection="SY")[1]
    assert [e.location for e in events] == ["Aleppo"]


def test_of_the_places_an_event_is_only_near_the_most_precise_is_used():
    [event] = _events("Syrian Democratic Forces advance in the vicinity of Aleppo province near Manbij on Monday.")
    assert event.location == "Manbij" and event.geo_precision == 2


def test_a_country_whose_possessive_introduces_a_named_actor_is_not_the_place():
    doc = Document(doc_id="t", published="2016-05-13", outlet="Test Wire", text=(
        "Forces allied to Libya's UN-backed Government of National Accord launched an offensive on Thursday."))
    [event] = code_document(doc)[1]
    assert event.place is None and event.actor1 == "Government of National Accord"


def test_a_headlines_reduced_passive_names_who_died_not_who_killed():
    [event] = code_document(Document(doc_id="t", published="2017-01-10", outlet="SOHR", text=(
        "11 members of the regime forces killed in the northern countryside of Aleppo")), collection="SY")[1]
    assert event.actor1 is None and event.actor2 == "Government of Syria" and event.event_type == "Battles"
    # the active voice keeps its agent
    [event] = _events("Islamic State militants killed 5 civilians in Raqqa on Monday.")
    assert event.actor1 == "Islamic State" and event.event_type == "Violence against civilians"
