"""Decode a source file and split a Markdown file into YAML front matter and body."""

from __future__ import annotations

from dataclasses import dataclass

BOM = "\ufeff"


class DecodeProblem(Exception):
    """The bytes are not a text file we accept; carries the offending line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def decode(data: bytes) -> str:
    """UTF-8 text with any byte-order mark dropped and CRLF/CR line endings made LF."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DecodeProblem(line, "file is not valid UTF-8") from None
    if "\0" in text:
        raise DecodeProblem(text.count("\n", 0, text.index("\0")) + 1, "file contains NUL bytes")
    if text.startswith(BOM):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


@dataclass(frozen=True)
class Split:
    """A file split into its front matter (starting on file line 2) and its body."""

    yaml_text: str
    body: str
    body_first_line: int


def split_front_matter(text: str) -> Split | str:
    """Split `---`-fenced front matter from the body; a string is a problem to report."""
    if not text.strip():
        return "file is empty"
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return "no front matter: a brief starts with a line '---'"
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            yaml_text = "\n".join(lines[1:index]) + "\n"
            body = "\n".join(lines[index + 1 :])
            return Split(yaml_text, body, index + 2)
    return "front matter is not closed by a line '---'"
