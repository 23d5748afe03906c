"""`cached(macro, *args)`: a fragment made once per build for the same macro and arguments."""

from __future__ import annotations

import gc

import jinja2

from briefsite.fragments import FragmentCache


class Item:
    def __init__(self, name: str) -> None:
        self.name = name


def test_a_fragment_is_made_once_for_the_same_macro_and_arguments() -> None:
    calls: list[tuple[object, ...]] = []

    def macro(*args: object) -> str:
        calls.append(args)
        return f"made {len(calls)}"

    cached = FragmentCache()
    first, second = Item("a"), Item("b")
    assert cached(macro, first) == "made 1"
    assert cached(macro, first) == "made 1"
    assert cached(macro, second) == "made 2"
    assert cached(macro, first, True) == "made 3"
    assert cached(lambda item: item.name, first) == "a"
    assert calls == [(first,), (second,), (first, True)]


def test_arguments_are_kept_so_no_other_object_takes_their_identity() -> None:
    cached = FragmentCache()
    seen = [cached(lambda item: item.name, Item(name)) for name in "abcdefgh"]
    gc.collect()
    assert seen == list("abcdefgh")  # each object lived on: no id was reused


def test_templates_call_imported_macros_through_it() -> None:
    env = jinja2.Environment(
        loader=jinja2.DictLoader(
            {
                "macros.html": "{% macro item(x) %}<li>{{ x.name }}</li>{% endmacro %}",
                "page.html": '{% from "macros.html" import item %}'
                "{% for x in items %}{{ cached(item, x) }}{% endfor %}",
            }
        ),
        autoescape=True,
    )
    cached = FragmentCache()
    shared, other = Item("<a>"), Item("b")
    page = env.get_template("page.html")
    assert page.render(items=[shared, other], cached=cached) == "<li>&lt;a&gt;</li><li>b</li>"
    shared.name = "changed"  # immutable in briefsite's views; here it shows what is reused
    assert page.render(items=[shared], cached=cached) == "<li>&lt;a&gt;</li>"
