"""Property-based tests: hostile text never escapes as anything but our diagnostics.

The front-matter loader, the citation renderer and the slug function are fed whatever
hypothesis can think of; each must answer with data (a node, a split, diagnostics, a slug),
never with an exception, and citation rendering must never touch the text around markers.
"""

from __future__ import annotations

import html
import os
import re
import string
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefsite.briefs import BriefContext, read_brief
from briefsite.diagnostics import Diagnostic
from briefsite.frontmatter import DecodeProblem, Split, decode, split_front_matter
from briefsite.markdown import BriefMarkdown, CitationSink, marker_lines
from briefsite.registry import Registry
from briefsite.slugs import MAX_SLUG_LENGTH, SAFE_SLUG, is_safe_slug, slugify
from briefsite.urls import Urls
from briefsite.yamlsafe import Node, parse_yaml

PROPERTY = settings(
    max_examples=int(os.environ.get("BRIEFSITE_EXAMPLES", "200")),
    deadline=None,
    # tmp_path is only a scratch folder: one file rewritten per example is fine
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# pieces that make text look like YAML, so the parser gets past its first character
YAML_PIECES = [
    "\n", "  ", "\t", "- ", ": ", "key", "title", "date", "[", "]", "{", "}", ",", "'", '"',
    "&a ", "*a", "!!python/object:os.system", "!x ", "? ", "|", ">", "#", "---", "...",
    "2025-05-11", "no", "3.10", "~", "<<", "=", "%YAML 1.1", "\\", "\x00", "\ufeff", "é",
]  # fmt: skip
yaml_like = st.lists(st.sampled_from(YAML_PIECES) | st.text(max_size=5), max_size=40).map("".join)
any_text = st.text() | yaml_like

# plain YAML values, for front matter that parses but has arbitrary shapes and types
scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.dates()
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
KEYS = ["title", "date", "summary", "actors", "places", "topics", "sources", "events"]
KEYS += ["quotes", "takeaways", "draft", "slug", "updated", "other"]
front_matter = st.dictionaries(st.sampled_from(KEYS), values, max_size=8)
bodies = st.lists(
    st.sampled_from(["Text ", "[1]", "[2, 3]", "[0]", "\n\n", "> quote\n> — Someone [1]\n"])
    | st.sampled_from(["## Takeaway\n", "- item [1]\n", "`[1]`", "[a](b)", "<b>x</b>", "\\[1\\]"])
    | st.text(max_size=10),
    max_size=20,
).map("".join)


def _problems_are_lines(problems: list[tuple[int, str]]) -> None:
    for line, message in problems:
        assert isinstance(line, int) and line >= 1
        assert isinstance(message, str) and message


@PROPERTY
@given(any_text, st.integers(min_value=1, max_value=50))
def test_parse_yaml_returns_nodes_or_problems(text: str, first_line: int) -> None:
    node, problems = parse_yaml(text, first_line)
    assert node is None or isinstance(node, Node)
    _problems_are_lines(problems)
    if node is not None:
        node.plain()  # the node is usable as data too


@PROPERTY
@given(st.binary() | any_text.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_decode_raises_only_decode_problems(data: bytes) -> None:
    try:
        text = decode(data)
    except DecodeProblem as problem:
        assert problem.line >= 1 and problem.message
        return
    expected = data.decode("utf-8").removeprefix("\ufeff")
    assert text == expected.replace("\r\n", "\n").replace("\r", "\n")
    assert "\r" not in text and "\0" not in text


@PROPERTY
@given(any_text)
def test_split_front_matter_returns_a_split_or_a_problem(text: str) -> None:
    result = split_front_matter(text)
    assert isinstance(result, (Split, str))
    if isinstance(result, Split):
        assert result.body_first_line >= 3
        assert text.startswith("---")


def _context() -> BriefContext:
    return BriefContext(Registry(), Urls("/", "http://localhost"), "UTC")


RENDERER = BriefMarkdown()


def _read(tmp_path: Path, data: bytes) -> tuple[object, list[Diagnostic]]:
    root = tmp_path
    path = root / "content" / "briefs" / "2025-05-11-brief.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return read_brief(root, path, _context(), RENDERER)


def _check_diagnostics(diags: list[Diagnostic]) -> None:
    for diag in diags:
        assert diag.path == "content/briefs/2025-05-11-brief.md"
        assert diag.severity in ("error", "warning") and diag.line >= 0 and diag.message


@PROPERTY
@given(st.binary(max_size=200) | any_text.map(lambda t: ("---\n" + t).encode("utf-8", "replace")))
def test_read_brief_on_arbitrary_bytes(tmp_path: Path, data: bytes) -> None:
    brief, diags = _read(tmp_path, data)
    _check_diagnostics(diags)
    assert brief is not None or any(d.severity == "error" for d in diags)


@PROPERTY
@given(front_matter, bodies)
def test_read_brief_on_arbitrary_front_matter(
    tmp_path: Path, fields: dict[str, object], body: str
) -> None:
    text = "---\n" + yaml.safe_dump(fields, allow_unicode=True) + "---\n" + body
    brief, diags = _read(tmp_path, text.encode("utf-8", "surrogatepass"))
    _check_diagnostics(diags)
    assert brief is not None or any(d.severity == "error" for d in diags)


# ---- citations: the text around markers survives rendering ------------------------------

WORD_CHARS = string.ascii_letters + string.digits + "éüßЖ.,;:?'\""
words = st.text(alphabet=WORD_CHARS, min_size=1, max_size=12).filter(
    lambda w: not re.match(r"^\d+[.)]?$", w)
)
markers = st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=3).map(
    lambda ns: "[" + ", ".join(map(str, ns)) + "]"
)
paragraph = st.lists(words | markers, min_size=1, max_size=30).filter(
    lambda parts: not parts[0].startswith("[")
)
_SUP = re.compile(r'<sup class="cite">.*?</sup>', re.S)
_TAG = re.compile(r"<[^>]+>")
_MARKER = re.compile(r"\[\d+(?:, \d+)*\]")


def _outside_markers(text: str) -> list[str]:
    return " ".join(_MARKER.sub(" ", text).split()).split()


def _visible_outside_sups(rendered: str) -> list[str]:
    return html.unescape(_TAG.sub(" ", _SUP.sub(" ", rendered))).split()


@PROPERTY
@given(paragraph)
def test_citation_rendering_keeps_the_text_outside_markers(parts: list[str]) -> None:
    text = " ".join(parts)
    sink = CitationSink("/briefs/b/", {n: f"Source {n}" for n in (1, 2, 3)})
    body = BriefMarkdown().render_body(text, sink, [], lambda name: None)
    assert _visible_outside_sups(body.html) == _outside_markers(text)
    expected = [p for p in parts if p.startswith("[")]
    assert [m for m, _ in marker_lines(text, 1)] == [m[1:-1] for m in expected]
    cited = sum(1 for m in expected for n in m[1:-1].split(", ") if int(n) <= 3)
    assert len(sink.made) == cited


@PROPERTY
@given(paragraph)
def test_fragment_rendering_keeps_the_text_outside_markers(parts: list[str]) -> None:
    text = " ".join(parts)
    sink = CitationSink("/briefs/b/", {n: f"Source {n}" for n in (1, 2, 3)})
    fragment = RENDERER.render_fragment(text, sink)
    assert _visible_outside_sups(fragment.html) == _outside_markers(text)


# ---- slugs ---------------------------------------------------------------------------------


@PROPERTY
@given(st.text() | st.sampled_from(["..", "../etc", "/", "a/../b", ".hidden", "Ёж ёлка", "ǅ"]))
def test_slugify_is_safe_or_empty_and_idempotent(text: str) -> None:
    slug = slugify(text)
    assert slug == "" or SAFE_SLUG.match(slug)
    assert is_safe_slug(slug) == (0 < len(slug) <= MAX_SLUG_LENGTH)
    assert "/" not in slug and ".." not in slug
    assert slugify(slug) == slug
