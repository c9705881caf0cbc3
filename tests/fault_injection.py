"""Test support: a dictionary whose matching kills its own process on one chosen text.

The out-of-memory killer ends a process with SIGKILL, without a word. To test that a corpus run
survives that, a test passes ``killing_dictionary(...)`` in ``dictionaries=``: the dictionary
is pickled to the worker processes like any other, and there, on a text that holds the trigger
word, it sends SIGKILL to the process it runs in. Nothing in the package knows about it.

Workers import this module when they unpickle the dictionary: pytest puts this folder on
``sys.path``, and the fork server and Dask's spawned workers start with the parent's
``sys.path``. The test process itself is never killed: the dictionary knows its process id and
raises there instead.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass, fields
from functools import cached_property
from typing import Any

from helpers.dictionary import Dictionary, load_dictionary

#: A dictionary of the kind a researcher writes (quanteda layout): two categories.
WATCH = {
    "security": {"terrorism": ["تروریس*", "داعش"], "militia": ["شبه‌نظامی*"]},
    "diplomacy": {"talks": ["مذاکره*", "گفت‌وگو"]},
}


@dataclass(frozen=True, eq=False)
class KillingDictionary(Dictionary):
    """A Dictionary that kills the process matching it on a text holding ``trigger``."""

    trigger: str = ""
    spare_pid: int = 0  # the test process: never killed

    @classmethod
    def from_dictionary(cls, d: Dictionary, trigger: str, spare_pid: int) -> KillingDictionary:
        """``d`` as a killing dictionary (whatever fields a Dictionary has)."""
        values = {f.name: getattr(d, f.name) for f in fields(Dictionary) if f.name != "_cache"}
        return cls(**values, trigger=trigger, spare_pid=spare_pid)

    def __reduce__(self):
        # A Dictionary pickles as its tables (see Dictionary.__reduce__); add the trigger.
        _, args = Dictionary.__reduce__(self)
        return (_rebuild, (args, self.trigger, self.spare_pid))

    @cached_property
    def scanner(self) -> _Killing:
        return _Killing(Dictionary.scanner.func(self), self.trigger, self.spare_pid)


class _Killing:
    """A MatcherSet that first checks the text's words for the trigger."""

    def __init__(self, inner: Any, trigger: str, spare_pid: int) -> None:
        self.inner, self.trigger, self.spare_pid = inner, trigger, spare_pid
        self.matchers = inner.matchers

    def matches(self, norms: list[str], vocabulary: Any = None) -> list:
        distinct = vocabulary[0] if vocabulary is not None else norms
        if self.trigger in distinct:
            if os.getpid() == self.spare_pid:
                raise RuntimeError("The killing dictionary ran in the test process itself.")
            os.kill(os.getpid(), signal.SIGKILL)
        return self.inner.matches(norms, vocabulary)


def _rebuild(args: tuple, trigger: str, spare_pid: int) -> KillingDictionary:
    return KillingDictionary.from_dictionary(Dictionary(*args), trigger, spare_pid)


def watch_dictionary() -> Dictionary:
    """The plain dictionary (the one a run without the killer uses)."""
    return load_dictionary(WATCH, name="watch")


def killing_dictionary(trigger: str) -> KillingDictionary:
    """``watch_dictionary()``, killing its process on any text whose words include ``trigger``."""
    return KillingDictionary.from_dictionary(watch_dictionary(), trigger, os.getpid())
