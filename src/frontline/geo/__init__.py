"""Gazetteer and geoparser: place names in text -> Places (see gazetteer.py, parser.py)."""
from __future__ import annotations

from .gazetteer import Gazetteer, build_gazetteer, load_gazetteer
from .parser import distance_km, geoparse, resolve, spelled_like

__all__ = ["Gazetteer", "build_gazetteer", "load_gazetteer", "geoparse", "resolve", "spelled_like", "distance_km"]
