"""Stage 4 — actors: the actor dictionary and actor resolution.

* :func:`load_actors` reads the dictionary (``rasd/data/actors/*.tsv`` and the user's
  files): :class:`ActorEntry` rows, a clitic-aware matcher over their variants.
* :func:`find_actor_mentions` (called by the entities stage) returns the dictionary's
  mentions in a document as :class:`rasd.doc.Entity` objects. ``attrs["kind"]`` says what
  each is (org, state, generic, person, demonym, title); ``attrs["base"]`` is the id of the
  dictionary entry matched. Demonyms and titles are helpers: the entities stage should
  keep them, and :class:`ActorResolver` merges them into the actor they qualify or turns
  them into actors (``kind`` ``office``/``people``) or removes them.
* :func:`mention_finder` binds it to ``Options.actor_files`` (users' extra dictionaries).
* :class:`ActorResolver` (pipeline stage ``actors``) composes and links; see
  :mod:`rasd.actors.resolve` for the rules.
* :func:`actor_ref` turns an actor entity into the event's :class:`rasd.doc.ActorRef`.

The :class:`ActorEntry` of an entity is ``load_actors().get(entity.attrs["base"])``
(entity ids of composed actors such as ``irq-army`` are not dictionary ids); attrs hold only
JSON-friendly values.
"""
from __future__ import annotations

from rasd.actors.dictionary import ActorDictionary, ActorEntry, load_actors
from rasd.actors.mentions import find_actor_mentions, mention_finder
from rasd.actors.resolve import ActorResolver, actor_ref

__all__ = ["ActorEntry", "ActorDictionary", "load_actors", "find_actor_mentions",
           "mention_finder", "ActorResolver", "actor_ref"]
