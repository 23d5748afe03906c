"""Related briefs: the graph's ranking against a plain restatement of its rule."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from briefsite import graph as graph_module
from briefsite.graph import RELATED_LIMIT, RELATED_WINDOW, Graph, build_graph
from briefsite.model import ActorRef, Brief
from briefsite.registry import Registry


def random_briefs(seed: int, count: int) -> list[Brief]:
    """Briefs naming a few of 25 actors (some far more often) and topics, on shared days."""
    rng = random.Random(seed)
    actors = [f"Actor {n}" for n in range(25)]
    topics = ["Energy", "Cyber", "Trade", "Security", "Health", "Water"]
    start = datetime(2021, 1, 1, tzinfo=UTC)
    briefs = []
    for n in range(count):
        named = rng.choices(actors, weights=[1 / (k + 1) for k in range(25)], k=rng.randint(1, 5))
        briefs.append(
            Brief(
                path=f"content/briefs/b{n}.md",
                slug=f"brief-{n}",
                title=f"Brief {n}",
                date=start + timedelta(days=rng.randint(0, 60)),  # many briefs share a day
                summary="",
                body_html="",
                passages=(),
                actors=tuple(ActorRef(name, 1) for name in named),  # repeats included
                topics=tuple(rng.choices(topics, k=rng.randint(0, 3))),
            )
        )
    return briefs


def expected_related(graph: Graph, brief: Brief) -> list[str]:
    """The rule, stated plainly: among the briefs within RELATED_WINDOW places of this one in
    any of its actors' lists, most shared actors x 2 + shared topics first, then nearest in
    time, then by slug."""
    shared: Counter[str] = Counter()
    for actor_id in dict.fromkeys(graph.actor_id(ref) for ref in brief.actors):
        slugs = [b.slug for b in graph.actors[actor_id].briefs]
        at = slugs.index(brief.slug)
        shared.update(slugs[max(0, at - RELATED_WINDOW) : at + RELATED_WINDOW + 1])
    del shared[brief.slug]
    by_slug = {b.slug: b for b in graph.briefs}

    def rank(slug: str) -> tuple:
        other = by_slug[slug]
        topics = len(set(brief.topics) & set(other.topics))
        return (-2 * shared[slug] - topics, abs((other.date - brief.date).total_seconds()), slug)

    return sorted(shared, key=rank)[:RELATED_LIMIT]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("jobs", [1, 2])
def test_related_briefs_follow_the_rule(
    seed: int, jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(graph_module, "RELATED_IN_PARALLEL", 64)  # two workers do find them
    graph = build_graph(Registry(), random_briefs(seed, 300), jobs=jobs)
    assert graph.related, "no brief was ranked"
    for brief in graph.briefs:
        assert [b.slug for b in graph.related[brief.slug]] == expected_related(graph, brief)
