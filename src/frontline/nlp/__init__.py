"""NLP: sentences, actors, event triggers, dates, numbers, attribution, certainty, modality.

Rule-based and dictionary-driven (no model download); the data files live in
``frontline/data`` and users can extend the actor dictionary.
"""
from frontline.nlp.actors import ActorDictionary, actor_dictionary, find_actors
from frontline.nlp.dates import event_date, find_dates
from frontline.nlp.numbers import Fatalities, fatalities, parse_number
from frontline.nlp.text import attribution, certainty, modality, paragraphs, split_sentences
from frontline.nlp.triggers import Trigger, find_triggers

__all__ = [
    "ActorDictionary", "actor_dictionary", "find_actors", "event_date", "find_dates", "Fatalities", "fatalities",
    "parse_number", "attribution", "certainty", "modality", "paragraphs", "split_sentences", "Trigger",
    "find_triggers",
]
