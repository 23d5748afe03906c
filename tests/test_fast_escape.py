"""Templates print values through a faster escape that gives exactly what Jinja2's own does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
import markupsafe
import pytest
from markupsafe import Markup

from briefsite import fast_escape
from briefsite.render import make_environment


class Html:
    def __html__(self) -> str:
        return "<b>bold</b>"


class Text(str):
    pass


VALUES = [
    "",
    "plain",
    "<script>alert('x') & \"y\"</script>",
    "Recep Tayyip Erdoğan — «Ankara»",
    Markup("<em>kept</em> &amp; safe"),
    Html(),
    Text("<a subclass of str>"),
    42,
    3.5,
    None,
    dt.date(2025, 5, 11),
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_escape_gives_markupsafes_result(value: object) -> None:
    expected = markupsafe.escape(value)
    got = fast_escape.escape(value)
    assert type(got) is type(expected) is Markup
    assert got == expected


@pytest.mark.parametrize("text", ["", "<b>safe</b> &amp; sound", "plain", "<a href='#x'>1</a>"])
def test_markup_is_markups_constructor(text: str) -> None:
    made = fast_escape.markup(text)
    assert made == Markup(text) and type(made) is Markup
    assert fast_escape.escape(made) is made  # printed as it is, never escaped again


def test_site_templates_print_through_it(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    source = "{% for v in values %}[{{ v }}]{% endfor %}{{ macro() }}"
    (tmp_path / "templates" / "t.html").write_text(
        "{% macro macro() %}<i>{{ values[2] }}</i>{% endmacro %}" + source
    )
    env = make_environment(tmp_path)
    template = env.get_template("t.html")
    assert isinstance(template, fast_escape.FastEscapeTemplate)
    assert template.root_render_func.__globals__["escape"] is fast_escape.escape
    stock = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(tmp_path / "templates")), autoescape=True
    )
    assert template.render(values=VALUES) == stock.get_template("t.html").render(values=VALUES)
