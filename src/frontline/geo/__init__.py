"""Gazetteer and geoparser: place names in text -> Places (see gazetteer.py, parser.py)."""
from __future__ import annotations

from .gazetteer import Gazetteer, build_gazetteer, load_gazetteer
from .parser import distance_km, geoparse, resolve

__all__ = ["Gazetteer", "build_gazetteer", "load_gazetteer", "geoparse", "resolve", "distance_km"]
