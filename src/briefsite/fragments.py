"""Fragments of pages made once per build: `cached(macro, *args)` in templates.

Timelines and actor pages list the same events, lists of briefs the same cards: a site of
10,000 briefs renders an event item about seven times over. A template that says
`{{ cached(event_item, e) }}` instead of `{{ event_item(e) }}` gets the first rendering
back for the same macro and the same arguments (Hugo has `partialCached` for this).

Arguments are matched by identity: the view objects pages get are immutable and shared, so an
event is the same object on every page of a build. Use it only for a macro whose output
depends on its arguments alone, as an imported macro's does (one defined in a page's own
template may read the page's variables).
"""

from __future__ import annotations

from collections.abc import Callable


class FragmentCache:
    """`cached(macro, *args)`: what `macro(*args)` gave the first time, for one build."""

    def __init__(self) -> None:
        self._made: dict[tuple[int, ...], tuple[object, ...]] = {}

    def __call__(self, macro: Callable[..., str], *args: object) -> str:
        key = (id(macro), *map(id, args))
        made = self._made.get(key)
        if made is None:
            # kept with the macro and the arguments: while they live, nothing else has their ids
            made = self._made[key] = (macro(*args), macro, args)
        return made[0]  # type: ignore[return-value]
