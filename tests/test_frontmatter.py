"""Splitting front matter from the body; decoding what authors' editors save."""

from __future__ import annotations

import pytest

from briefsite.frontmatter import DecodeProblem, Split, decode, split_front_matter


def test_bom_and_crlf_are_accepted() -> None:
    text = decode("\ufeff---\r\ntitle: x\r\n---\r\nBody\r\n".encode())
    assert text == "---\ntitle: x\n---\nBody\n"


def test_split_keeps_body_lines() -> None:
    split = split_front_matter("---\ntitle: x\ndate: 2025-01-01\n---\nfirst\nsecond\n")
    assert isinstance(split, Split)
    assert split.yaml_text == "title: x\ndate: 2025-01-01\n"
    assert split.body.splitlines()[0] == "first"
    assert split.body_first_line == 5


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "empty"), ("no front matter\n", "no front matter"), ("---\ntitle: x\n", "not closed")],
)
def test_problems(text: str, message: str) -> None:
    result = split_front_matter(text)
    assert isinstance(result, str)
    assert message in result


def test_invalid_utf8_and_nul_name_their_line() -> None:
    with pytest.raises(DecodeProblem) as bad:
        decode(b"---\ntitle: \xff\n")
    assert bad.value.line == 2
    with pytest.raises(DecodeProblem) as nul:
        decode(b"a\nb\nc\x00\n")
    assert nul.value.line == 3
