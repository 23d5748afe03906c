"""Citations and actor links in Markdown, on strings in memory."""

from __future__ import annotations

from briefsite.markdown import ActorLink, BriefMarkdown, CitationSink, marker_lines


def render(text: str, sources: int = 3, actors: list[ActorLink] | None = None):
    sink = CitationSink("/briefs/b/", {n: f"Source {n}" for n in range(1, sources + 1)})
    body = BriefMarkdown().render_body(text, sink, actors or [], lambda name: f"/actors/{name}/")
    return body, sink


def test_markers_link_with_numbered_ids() -> None:
    body, sink = render("One [1]. Two [1, 2].")
    assert 'id="cite-1-1"' in body.html and 'id="cite-1-2"' in body.html
    assert 'id="cite-2-1"' in body.html
    assert sink.made == [(1, 1), (1, 2), (2, 1)]
    assert 'href="/briefs/b/#source-2"' in body.html


def test_links_code_footnotes_and_escapes_are_never_citations() -> None:
    text = (
        "A [link](https://example.org) and [ref][1] and [1] with def.\n\n"
        "Code `[2]` and escaped \\[3\\] and a note[^1].\n\n"
        "```\n[2]\n```\n\n[1]: https://example.org/ref\n[^1]: A footnote.\n"
    )
    body, sink = render(text)
    assert sink.made == []
    assert "<code>[2]</code>" in body.html
    assert "[3]" in body.html


def test_unknown_source_is_recorded_not_linked() -> None:
    _, sink = render("Bad [4] and mixed [1, 5].")
    assert sink.invalid == [("4", [4]), ("1, 5", [5])]
    assert sink.made == [(1, 1)]


def test_first_mention_links_once_never_in_headings_code_or_links() -> None:
    actors = [ActorLink(("Vladimir Putin", "Putin"), "/actors/vladimir-putin/")]
    text = "# Putin\n\n`Putin` and [Putin](https://x.org) then Putin, later Vladimir Putin.\n"
    body, _ = render(text, actors=actors)
    assert body.html.count('href="/actors/vladimir-putin/"') == 1
    assert "<h1>Putin</h1>" in body.html
    assert '<a class="actor" href="/actors/vladimir-putin/">Putin</a>, later' in body.html


def test_whole_words_only() -> None:
    actors = [ActorLink(("Iran",), "/actors/iran/")]
    body, _ = render("Iranian officials; then Iran.", actors=actors)
    assert 'Iranian officials; then <a class="actor" href="/actors/iran/">Iran</a>' in body.html


def test_attributed_blockquote_becomes_pull_quote() -> None:
    for dash in ("\u2014", "\u2013", "--"):
        body, sink = render(f"> \u201clet them deal\u201d\n> {dash} Donald Trump [2]\n")
        assert len(body.quotes) == 1
        quote = body.quotes[0]
        assert quote.by == "Donald Trump" and quote.sources == (2,)
        assert "let them deal" in quote.text
        assert '<figure class="pull-quote" id="quote-1">' in body.html
        assert sink.made == [(2, 1)]
        assert body.passages == [(2, 1, quote.text)]  # the quote, not "— Donald Trump [2]"


def test_takeaway_section_items() -> None:
    text = (
        "Intro.\n\nAnalyst takeaway\n----------------\n\n- First [1].\n- Second.\n\n"
        "## Next\n\nNot a takeaway.\n"
    )
    body, _ = render(text)
    assert [t.text for t in body.takeaways] == ["First [1].", "Second."]
    assert '<section class="analysis" id="analysis">' in body.html
    assert "Not a takeaway" not in body.html.split("</section>")[0]


def test_marker_lines_skip_code_and_links() -> None:
    text = "a [1]\n`[2]`\n```\n[3]\n```\n[4](x) b [5]\n"
    assert marker_lines(text, 10) == [("1", 10), ("5", 15)]
