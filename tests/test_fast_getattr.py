"""Templates look attributes up in line, with exactly the results of Jinja2's own lookup."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from briefsite.fast_getattr import FastGetattrCodeGenerator
from briefsite.render import make_environment, theme_dir


class Card:
    title = "<Card & title>"
    tags = ("a", "b")

    def __getitem__(self, key: str) -> str:
        return f"item {key}"


class Broken:
    """An attribute whose property fails with AttributeError: Jinja2 then tries the item."""

    @property
    def name(self) -> str:
        raise AttributeError("inside the property")

    def __getitem__(self, key: str) -> str:
        return f"item {key}"


class Node:
    def __init__(self, child: object | None = None, label: str = "") -> None:
        self.child, self.label = child, label


CONTEXT = {
    "card": Card(),
    "page": {"title": "From a dict", "items": "shadowed by dict.items"},
    "broken": Broken(),
    "tree": Node(Node(Node(None, "deep"), "middle"), "top"),
    "rows": [Node(None, "kept"), Node(None, ""), Node(None, "also kept")],
    "text": "word",
}

TEMPLATES = {
    "attributes.html": "{{ card.title }}|{{ card.tags | join(',') }}|{{ card.other }}",
    "dicts.html": "{{ page.title }}|{{ page.items is callable }}|{{ page.get('title') }}",
    "fallback.html": "{{ broken.name }}|{{ text.upper() }}|{{ text.missing | default('-') }}",
    "nested.html": "{{ tree.child.child.label }}/{{ tree.child.label }}/{{ tree.label }}",
    "loops.html": (
        "{% for row in rows if row.label %}{{ loop.index }}:{{ row.label }} {% endfor %}"
        "{% set joined %}{% for row in rows %}{{ row.label | length }}{% endfor %}{% endset %}"
        "[{{ joined }}]"
    ),
    "macros.html": (
        "{% macro show(node, label=tree.child.label) %}{{ node.label }}/{{ label }}"
        "{{ caller() if caller is defined else '' }}{% endmacro %}"
        "{{ show(tree) }} {% call show(tree.child) %}({{ card.title }}){% endcall %}"
    ),
}


def environment(generator: type | None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.DictLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    if generator is not None:
        env.code_generator_class = generator
    return env


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_renders_as_jinja2_does(name: str) -> None:
    stock = environment(None).get_template(name).render(CONTEXT)
    fast = environment(FastGetattrCodeGenerator).get_template(name).render(CONTEXT)
    assert fast == stock


def test_examples_cover_each_way_a_lookup_ends() -> None:
    env = environment(FastGetattrCodeGenerator)
    assert env.get_template("attributes.html").render(CONTEXT) == (
        "&lt;Card &amp; title&gt;|a,b|item other"
    )
    assert env.get_template("dicts.html").render(CONTEXT) == "From a dict|True|From a dict"
    assert env.get_template("fallback.html").render(CONTEXT) == "item name|WORD|-"


def test_a_missing_attribute_is_undefined_as_with_jinja2() -> None:
    for generator in (None, FastGetattrCodeGenerator):
        template = environment(generator).from_string("{{ tree.nothing }}")
        with pytest.raises(jinja2.UndefinedError, match="has no attribute 'nothing'"):
            template.render(CONTEXT)


def test_site_environments_compile_lookups_in_line(tmp_path: Path) -> None:
    env = make_environment(tmp_path)
    for name in env.list_templates():
        source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
        code = env.compile(source, name, raw=True)
        assert "environment.getattr(" not in code
    assert (theme_dir() / "templates" / "brief.html").is_file()
    assert "getattr(" in env.compile("{{ brief.title }}", raw=True)
