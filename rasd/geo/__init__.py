"""Stage — geo: the gazetteer, place mentions, place resolution, the article's places, an
event's location.

    >>> from rasd.geo import load_gazetteer
    >>> [e.name_en for e in load_gazetteer().candidates("حماة")][:2]
    ['Hama', 'Hama']
"""
from __future__ import annotations

from rasd.geo.context import DocumentPlaces
from rasd.geo.gazetteer import Gazetteer, PlaceEntry, load_gazetteer, user_gazetteer_dir
from rasd.geo.location import event_location
from rasd.geo.resolver import PlaceResolver, find_place_mentions

__all__ = ["PlaceEntry", "Gazetteer", "load_gazetteer", "find_place_mentions", "PlaceResolver",
           "event_location", "user_gazetteer_dir", "DocumentPlaces"]
