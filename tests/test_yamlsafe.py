"""The YAML layer: lines kept, text as written, unsafe input refused as data."""

from __future__ import annotations

import time
from unittest import mock

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from briefsite import yamlsafe
from briefsite.yamlsafe import (
    MAX_DEPTH,
    MAX_NODES,
    PRESCAN_DEPTH,
    _could_be_too_big,
    parse_yaml,
)


def test_scalars_keep_their_text_and_lines() -> None:
    node, problems = parse_yaml("title: no\nversion: 3.10\ndate: 2025-05-11\n", first_line=2)
    assert problems == []
    assert node is not None
    assert node.entries["title"].text == "no"
    assert node.entries["version"].text == "3.10"
    assert node.entries["date"].tag == "timestamp"
    assert node.key_lines == {"title": 2, "version": 3, "date": 4}


def test_duplicate_keys_are_reported_at_the_second() -> None:
    _, problems = parse_yaml("a: 1\nb: 2\na: 3\n")
    assert problems == [(3, "duplicate key 'a' (first on line 1)")]


def test_language_tags_are_refused_never_executed() -> None:
    node, problems = parse_yaml("x: !!python/object/apply:os.system ['touch /tmp/pwned']\n")
    assert node is None
    assert "not allowed" in problems[0][1]


def test_alias_bomb_is_an_error_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    start = time.perf_counter()
    node, problems = parse_yaml("\n".join(lines) + "\n")
    assert time.perf_counter() - start < 1.0
    assert node is None
    assert str(MAX_NODES) in problems[0][1]


def test_deep_nesting_is_an_error() -> None:
    node, problems = parse_yaml("x: " + "[" * 200 + "]" * 200 + "\n")
    assert node is None
    assert "nested" in problems[0][1]


def test_unclosed_quote_points_where_it_opened() -> None:
    _, problems = parse_yaml('a: 1\ntitle: "unclosed\nb: 2\n', first_line=2)
    assert problems[0][0] == 3


def test_tab_indentation_says_so() -> None:
    _, problems = parse_yaml("a:\n\t- b\n")
    assert "tab" in problems[0][1]


YAML_PIECES = ["- ", "-", "? ", "[", "]", "{", "}", "a: ", "a", ":", ",", " ", "\n", "\n  ", "\t"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(YAML_PIECES), max_size=30).map("".join))
@example("- a: [a: ")  # a one-pair mapping inside a flow sequence: four levels, 3 openings
def test_text_that_skips_the_prescan_could_not_have_failed_it(text: str) -> None:
    """The cheap bound that lets front matter skip the event pre-scan is sound (checked
    with limits small enough for short random texts to reach them)."""
    with mock.patch.multiple(yamlsafe, MAX_DEPTH=3, MAX_NODES=12, PRESCAN_DEPTH=3):
        try:
            found = yamlsafe._prescan(text, 1)
        except yaml.YAMLError:
            return
        if found is not None:
            assert yamlsafe._could_be_too_big(text), found


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(YAML_PIECES), max_size=30).map("".join))
@example("- - - - x")
@example("a: 1\na: [[[[]]]]")
@example("[[[[]], [[[x]]]]]")
def test_nesting_the_prescan_would_refuse_is_refused_without_it(text: str) -> None:
    """Front matter that skips the pre-scan (all but the absurd) is refused for nesting past
    `MAX_DEPTH` all the same: same message, same line."""
    with mock.patch.multiple(yamlsafe, MAX_DEPTH=3):
        try:
            yaml.compose(text, Loader=yamlsafe._Loader)
            found = yamlsafe._prescan(text, 1)
        except yaml.YAMLError:
            return  # not YAML at all: refused either way
        assert not _could_be_too_big(text)
        node, problems = parse_yaml(text)
        if found is None:
            assert not any("nested" in message for _, message in problems)
        else:
            assert node is None and problems[-1] == found


def test_deeply_nested_block_sequences_on_one_line_take_the_prescan() -> None:
    deep = "- " * (PRESCAN_DEPTH + 1) + "x\n"
    assert _could_be_too_big(deep)
    assert parse_yaml(deep)[1] == [(1, f"YAML nested more than {MAX_DEPTH} levels deep")]
    text = "- " * (MAX_DEPTH + 1) + "x\n"
    assert not _could_be_too_big(text)
    assert parse_yaml(text)[1] == [(1, f"YAML nested more than {MAX_DEPTH} levels deep")]
