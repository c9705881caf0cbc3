"""Imported by the fork server of ``analyze_corpus``: the package and its dictionaries, loaded once.

Worker processes are forked from that server (see ``helpers.corpus._process_context``), so each
starts with pandas imported and the gazetteer, threat lexicon and theme dictionary already
compiled, instead of spending a second and a half on that before its first text. Importing this
module has that side effect and no other.
"""

from __future__ import annotations

from helpers.corpus import _Resources

_Resources()
