#!/usr/bin/env python3
"""Generate a deterministic synthetic briefing site for benchmarks.

The corpus follows the content contract (``FORMAT.md``): ``content/site.yml``,
briefs under ``content/briefs/YYYY/``, an actor registry under ``content/actors/``
and a publisher registry under ``content/sources/``. The same arguments always
produce byte-identical files: every random choice comes from one seeded
``random.Random`` and nothing iterates over an unordered collection.

Usage::

    python benchmarks/generate_corpus.py --briefs 1000 --out /tmp/corpus --seed 1
"""

# ruff: noqa: RUF001  (the name pools are deliberately non-ASCII)
from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import re
import shutil
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

BASE_URL = "https://example.org/briefings/"
FIRST_DAY = date(2019, 1, 1)
LAST_DAY = date(2025, 12, 31)
PUBLISHER_COUNT = 60
REGISTRY_PUBLISHERS = 40
MIN_ACTORS = 20

# ---------------------------------------------------------------------------
# Word pools
# ---------------------------------------------------------------------------


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    """Split a pool written as one string into a tuple of entries."""
    return tuple(text.split(sep))


FIRST_NAMES = _words(
    "Anna Marcus Elena Tomas Laura Victor Helen Daniel Sofia Peter Clara Martin Irene David "
    "Nadia Robert Julia Stefan Maria Adrian Olivia Henrik Teresa Paul Lena Oscar Rosa Felix "
    "Grace Simon Alice Jonas Carmen Hugo Ingrid Leon Mira Gabriel Eva Lukas Nora Samuel Vera "
    "Arthur Hanna Milan Katrin Emil Diana Viktor Amelia Jan Petra Igor Selma Rafael Dora Ivan"
)
LAST_NAMES = _words(
    "Hartmann Novak Larsen Moreau Castillo Brennan Holm Ferreira Lindqvist Costa Varga Keller "
    "Marsh Okafor Petrov Rossi Schneider Dumont Walsh Berger Nielsen Sato Haddad Mendes Kowal "
    "Fischer Laine Romero Quinn Adler Bauer Carver Dalton Eriksen Fontaine Garrow Hollis "
    "Ivers Jansen Kessler Lorne Maddox Nolan Orsini Pryor Radley Sterling Thorne Ulrich "
    "Vance Whitlock Yardley Zeller Ashby Blackwood Crane Draper Ellery Fairbanks Gale"
)
CYRILLIC_FIRST = _words("Олександр Дмитро Андрій Ірина Олена Сергій Наталія Микола Тетяна Юрій")
CYRILLIC_LAST = _words("Соколов Коваленко Шевчук Бондаренко Мельник Ткаченко Кравченко Лисенко")
TURKISH_FIRST = _words("Ayşe Mehmet Şükrü Gülşen Çağrı İbrahim Özlem Ümit Tuğba Ilgın")
TURKISH_LAST = _words("Yılmaz Çelik Öztürk Doğan Kılıç Aydın Şahin Güneş Uğurlu Karaağaç")
ARABIC_FIRST = _words(
    "ʿAbd al-Raḥmān|Muḥammad|Fāṭima|Ḥasan|Khālid|Nūr|Yūsuf|ʿĀʾisha|Ṭāriq|Salmā", "|"
)
ARABIC_LAST = _words(
    "al-Hāshimī|al-Qaḥṭānī|ibn Rashīd|al-Anṣārī|Ḥaddād|al-Shammarī|al-Zubaydī|al-Tamīmī", "|"
)
ACCENTED_FIRST = _words("José François Zoë Łukasz Søren Ágnes Jiří Renée Björn Íñigo")
ACCENTED_LAST = _words(
    "Muñoz Lefèvre Wąsik Kovačević Nørgaard Halász Dvořák Gonçalves Brontë Åberg"
)
UNICODE_NAME_POOLS = (
    (CYRILLIC_FIRST, CYRILLIC_LAST),
    (TURKISH_FIRST, TURKISH_LAST),
    (ARABIC_FIRST, ARABIC_LAST),
    (ACCENTED_FIRST, ACCENTED_LAST),
)
ROLES = (
    "foreign minister",
    "defence minister",
    "president",
    "prime minister",
    "special envoy",
    "spokesperson",
    "central bank governor",
    "opposition leader",
    "chief of staff",
    "ambassador",
    "trade negotiator",
    "energy minister",
)
ORG_ADJECTIVES = _words(
    "Northern Coastal Eastern Western Southern Central Atlantic Baltic Pacific Continental "
    "Highland Riverine Allied United Federal Civic Maritime Frontier Lowland Alpine"
)
ORG_NOUNS = _words(
    "Security Council|Defence Forces|Trade Union|Energy Agency|Monitoring Mission|Relief Fund|"
    "Development Bank|Border Service|Health Authority|Shipping Board|Grain Consortium|"
    "Observer Group|Research Institute|Customs Office|Election Commission",
    "|",
)
GROUP_NOUNS = _words("Front|Brigade|Movement|Alliance|Coalition|Network|Militia|Collective", "|")
STATES = _words(
    "Republic of Veltra|Kingdom of Asmora|Federation of Ostland|Republic of Calvany|"
    "Duchy of Merrow|Union of Sarrel|Republic of Tessaly|Commonwealth of Brisk|"
    "State of Orvane|Kingdom of Lume|Republic of Dravia|Federation of Nalor",
    "|",
)
COUNTRIES = _words(
    "Ukraine Turkey Qatar Switzerland Norway Poland Brazil Kenya Japan Canada Egypt Finland "
    "Mexico Indonesia Chile Estonia"
)
TOPICS = _words(
    "Ceasefire|Sanctions|Energy security|Grain exports|Refugees|Arms control|Cyber operations|"
    "Elections|Trade|Maritime security|Nuclear talks|Humanitarian aid|Public health|"
    "Climate policy|Migration|Central banking|Disinformation|Border disputes|Peace talks|"
    "Critical minerals|Semiconductors|Space policy|Food security|Water rights|Terrorism|"
    "Prisoner exchanges|Reconstruction|Shipping|Debt relief|AI governance",
    "|",
)
PLACES = _words(
    "Istanbul|Kyiv|Geneva|Doha|Vienna|Oslo|Warsaw|Brussels|Nairobi|Jakarta|Ankara|Cairo|"
    "Helsinki|Tallinn|Riga|Vilnius|Berlin|Paris|Madrid|Lisbon|Rome|Athens|Bucharest|Sofia|"
    "Belgrade|Tbilisi|Baku|Yerevan|Astana|Tokyo|Seoul|Manila|Hanoi|Lima|Santiago|Ottawa|"
    "Mexico City|Accra|Dakar|Addis Ababa|Zürich|São Paulo|Gdańsk|İzmir|Kraków|Reykjavík|"
    "Malmö|Düsseldorf|Bogotá|Córdoba",
    "|",
)
PUBLISHER_FIRST = _words(
    "Northern Harbor Eastline Meridian Granite Beacon Lantern Summit Compass Atlas Crescent "
    "Riverside Ironwood Silverline Keystone Pinnacle Horizon Frontier Cedar Coastal"
)
PUBLISHER_SECOND = _words(
    "Ledger|Wire|Daily|Observer|Gazette|Herald|Monitor|Post|Review|Dispatch|Chronicle|"
    "Institute|Press Office|Bulletin|Tribune",
    "|",
)
PUBLISHER_KINDS = ("news", "news", "news", "government", "think-tank", "social", "other")
HEADINGS = (
    "Background",
    "Reactions",
    "What comes next",
    "Diplomatic track",
    "On the ground",
    "Context",
    "Economic angle",
    "Open questions",
    "Timeline of the talks",
    "Regional picture",
)
TAKEAWAY_HEADINGS = ("Takeaway", "Takeaways", "Analysis", "Analyst takeaway")
WEEKDAYS = _words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
VERBS_SAID = _words("said|stated|told reporters|insisted|warned|confirmed|suggested|argued", "|")
TITLE_VERBS = _words(
    "proposes|rejects|signals|announces|questions|pushes for|warns against|welcomes|"
    "resumes|suspends|backs|outlines",
    "|",
)
NOUNS = _words(
    "talks|proposal|framework|deadline|agreement|package|corridor|review|mission|plan|"
    "initiative|settlement|offer|summit|moratorium",
    "|",
)
ADJECTIVES = _words(
    "fragile|renewed|limited|expanded|provisional|long-awaited|contested|bilateral|"
    "multilateral|phased|conditional|informal|technical|high-level|temporary",
    "|",
)
CODE_TOKENS = ("UNSCR-2231", "op-{n}", "ceasefire-v{n}", "HS {n}", "EU-{n}/2024", "tariff_{n}")
QUOTE_LINES = (
    "We will not accept preconditions for {t}.",
    "The door to {t} remains open, but time is running out.",
    "Nobody should mistake restraint for weakness.",
    "This {a} {n2} is a first step, not the last one.",
    "Our partners in {P} understand what is at stake.",
    "We expect concrete guarantees before any {n2} is signed.",
    "The numbers speak for themselves.",
    "Let them come to the table and deal.",
)
SENTENCES = (
    "{A} {said} on {day} that the {a} {n2} on {t} could be agreed within weeks",
    "Officials in {P} described the {n2} as {a} and warned that details were still missing",
    "According to people familiar with the matter, {A} met counterparts in {P} to discuss {t}",
    "The {a} {n2} follows months of pressure over {t} from partners in {P}",
    "{A} {said} that any {n2} would have to address {t} first",
    "Negotiators spent {num} hours in {P} without reaching a final text",
    "Diplomats said the {a} {n2} leaves the hardest questions on {t} unresolved",
    "Critics argue that the {n2} rewards delay rather than compromise",
    "Markets reacted cautiously, with analysts pointing to {t} as the main risk",
    "{A} and {B} spoke by phone on {day}, their first call since the {n2} collapsed",
    "A statement from {P} put the number of affected people at about {num},000",
    "The talks in {P} were described as constructive but {a}",
    "{A} rejected claims that the {n2} had been drafted without consultation",
    "Observers expect a {a} {n2} on {t} before the end of the quarter",
    "The {n2} would be reviewed every {num} days by a joint working group",
    "{A} {said} the government was ready to host a summit in {P}",
    "Several delegations arrived in {P} late on {day}, delaying the opening session",
    "Earlier drafts of the {n2} had included a clause on {t} that was later dropped",
    "Independent monitors reported {num} violations in the first week alone",
    "The proposal builds on an earlier {a} framework agreed in {P}",
    "{B} {said} that the timing of the announcement was not a coincidence",
    "Officials declined to say whether {A} would travel to {P}",
    "The {a} approach to {t} marks a shift from the position held last year",
    "Analysts noted that {t} has moved to the centre of the agenda",
)
LIST_ITEMS = (
    "a {a} {n2} on {t}",
    "guarantees for shipping through {P}",
    "a monitoring role for observers based in {P}",
    "an exchange of lists covering {num} detainees",
    "a timetable for talks on {t}",
    "a review clause after {num} days",
    "funding for reconstruction around {P}",
    "a joint statement by {A}",
)
TAKEAWAY_LINES = (
    "The {a} {n2} suggests a move toward leader-level talks on {t}",
    "Expect {t} to dominate the next round in {P}",
    "The shift in tone from {A} matters more than the text itself",
    "Without guarantees on {t}, the {n2} is unlikely to hold",
    "The real test comes when the {n2} meets conditions on the ground in {P}",
)
TITLES = (
    "{A} {tv} {a} {n2} on {t}",
    "{A} {tv} {t} {n2} in {P}",
    "Talks in {P} on {t}: {A} {tv} {a} {n2}",
    "{A} and {B} discuss {t} in {P}",
    "{t} {n2} stalls as {A} {tv} new terms",
    "{P} to host {a} {n2} on {t}",
)

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ye",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "yu",
    "я": "ya", "ы": "y", "э": "e", "ё": "yo", "ъ": "",
}  # fmt: skip
_SPECIAL = {"ı": "i", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "đ": "d", "ʿ": "", "ʾ": ""}
_RESERVED = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}
_PLAIN_RE = re.compile(r"^[^\W\d_][\w .'’-]*[\w.]$")


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def ascii_fold(text: str) -> str:
    """Transliterate ``text`` to ASCII (Cyrillic table, then accent stripping)."""
    out: list[str] = []
    for ch in text:
        low = ch.lower()
        if low in _CYRILLIC:
            rep = _CYRILLIC[low]
            out.append(rep.capitalize() if ch != low else rep)
        elif low in _SPECIAL:
            out.append(_SPECIAL[low])
        else:
            out.append(ch)
    decomposed = unicodedata.normalize("NFKD", "".join(out))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def slugify(text: str, max_len: int = 80) -> str:
    """Return a lowercase ASCII slug of ``text`` (words joined by hyphens)."""
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_fold(text).lower()).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rsplit("-", 1)[0]
    return slug or "item"


def yaml_str(text: str) -> str:
    """Render ``text`` as a YAML scalar: plain when unambiguous, else double-quoted."""
    if _PLAIN_RE.match(text) and text.lower() not in _RESERVED and ": " not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def flow_map(pairs: Sequence[tuple[str, str]]) -> str:
    """Render already-formatted ``(key, value)`` pairs as a YAML flow mapping."""
    return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"


def flow_list(items: Sequence[str]) -> str:
    """Render already-formatted items as a YAML flow sequence."""
    return "[" + ", ".join(items) + "]"


class Zipf:
    """Draw indexes ``0..n-1`` with probability proportional to ``1 / (rank ** s)``."""

    def __init__(self, n: int, s: float = 1.0) -> None:
        self.n = n
        self.cum = list(itertools.accumulate(1.0 / (i + 1) ** s for i in range(n)))

    def draw(self, rng: random.Random) -> int:
        """Return one index."""
        return min(bisect.bisect_left(self.cum, rng.random() * self.cum[-1]), self.n - 1)

    def distinct(self, rng: random.Random, k: int) -> list[int]:
        """Return ``k`` distinct indexes (fewer if ``k`` exceeds the pool)."""
        k = min(k, self.n)
        picked: list[int] = []
        while len(picked) < k:
            i = self.draw(rng)
            if i not in picked:
                picked.append(i)
        return picked


# ---------------------------------------------------------------------------
# Registries
# ---------------------------------------------------------------------------


@dataclass
class Actor:
    """A synthetic actor; ``registry`` actors get a ``content/actors/<id>.md`` file."""

    id: str
    name: str
    kind: str
    role: str
    country: str
    registry: bool
    aliases: list[str] = field(default_factory=list)


@dataclass
class Publisher:
    """A synthetic publisher; ``registry`` ones get a ``content/sources/<id>.yml`` file."""

    id: str
    name: str
    kind: str
    registry: bool


def _candidate_name(rng: random.Random) -> tuple[str, str]:
    """Return ``(name, kind)`` for one candidate actor."""
    roll = rng.random()
    if roll < 0.70:
        return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", "person"
    if roll < 0.85:
        first, last = rng.choice(UNICODE_NAME_POOLS)
        return f"{rng.choice(first)} {rng.choice(last)}", "person"
    if roll < 0.90:
        return rng.choice(STATES), "state"
    if roll < 0.97:
        return f"{rng.choice(ORG_ADJECTIVES)} {rng.choice(ORG_NOUNS)}", "organization"
    return f"{rng.choice(ORG_ADJECTIVES)} {rng.choice(GROUP_NOUNS)}", "group"


def _unique_name(rng: random.Random, taken: set[str]) -> tuple[str, str]:
    """Draw a name whose slug and casefolded form are both unused."""
    for attempt in itertools.count():
        name, kind = _candidate_name(rng)
        if attempt > 50:
            name = f"{name} {chr(65 + attempt % 26)}{attempt}"
        if name.casefold() not in taken and slugify(name) not in taken:
            return name, kind
    raise AssertionError("unreachable")


def _aliases(rng: random.Random, name: str, kind: str, taken: set[str]) -> list[str]:
    """Return up to two unused aliases for an actor."""
    words = name.split()
    options: list[str] = []
    if kind == "person":
        options.append(words[-1])
        folded = ascii_fold(name)
        if folded != name:
            options.append(folded)
    else:
        options.append("".join(w[0] for w in words if w[0].isupper()))
        options.append(" ".join(words[-2:]))
    rng.shuffle(options)
    chosen = [a for a in options[: rng.randint(1, 2)] if len(a) > 2 and a.casefold() not in taken]
    for alias in chosen:
        taken.add(alias.casefold())
    return chosen


def make_actors(rng: random.Random, count: int) -> list[Actor]:
    """Create the actor pool; about 85% are in the registry, half of those with aliases."""
    taken: set[str] = set()
    actors: list[Actor] = []
    for _ in range(count):
        name, kind = _unique_name(rng, taken)
        ident = slugify(name)
        taken.update((name.casefold(), ident))
        registry = rng.random() < 0.85
        role = rng.choice(ROLES) if kind == "person" else ""
        actor = Actor(ident, name, kind, role, rng.choice(COUNTRIES), registry)
        actors.append(actor)
    for actor in actors:
        if actor.registry and rng.random() < 0.5:
            actor.aliases = _aliases(rng, actor.name, actor.kind, taken)
    return actors


def make_publishers(rng: random.Random) -> list[Publisher]:
    """Create ``PUBLISHER_COUNT`` publishers, the first ``REGISTRY_PUBLISHERS`` registered."""
    combos = [f"{a} {b}" for a in PUBLISHER_FIRST for b in PUBLISHER_SECOND]
    names = rng.sample(combos, PUBLISHER_COUNT)
    return [
        Publisher(slugify(name), name, rng.choice(PUBLISHER_KINDS), i < REGISTRY_PUBLISHERS)
        for i, name in enumerate(names)
    ]


# ---------------------------------------------------------------------------
# Briefs
# ---------------------------------------------------------------------------


@dataclass
class BriefContext:
    """Everything one brief's text is drawn from."""

    rng: random.Random
    actors: list[Actor]
    mentions: list[str]
    places: list[str]
    topics: list[str]
    n_sources: int
    cited: set[int] = field(default_factory=set)

    def fill(self, template: str) -> str:
        """Fill a sentence template's slots from this brief's pools."""
        rng = self.rng
        i = rng.randrange(len(self.mentions))
        j = (i + rng.randrange(1, len(self.mentions))) % len(self.mentions)
        return template.format(
            A=self.mentions[i],
            B=self.mentions[j],
            P=rng.choice(self.places),
            t=rng.choice(self.topics).lower(),
            a=rng.choice(ADJECTIVES),
            n2=rng.choice(NOUNS),
            num=rng.randint(2, 96),
            day=rng.choice(WEEKDAYS),
            said=rng.choice(VERBS_SAID),
            tv=rng.choice(TITLE_VERBS),
        )

    def marker(self) -> str:
        """Return a citation marker ``[n]`` or ``[n, m]`` and record what it cites."""
        rng = self.rng
        first = rng.randint(1, self.n_sources)
        nums = [first]
        if self.n_sources > 1 and rng.random() < 0.3:
            second = rng.randint(1, self.n_sources)
            if second != first:
                nums = sorted((first, second))
        self.cited.update(nums)
        return "[" + ", ".join(str(n) for n in nums) + "]"

    def sentence(self, template: str | None = None, cite: float = 0.55) -> str:
        """Return one sentence, decorated now and then with emphasis, code or a link."""
        rng = self.rng
        text = self.fill(template or rng.choice(SENTENCES))
        roll = rng.random()
        if roll < 0.08:
            words = text.split(" ")
            i = rng.randrange(1, len(words))
            words[i] = f"*{words[i]}*" if roll < 0.05 else f"**{words[i]}**"
            text = " ".join(words)
        elif roll < 0.11:
            code = rng.choice(CODE_TOKENS).format(n=rng.randint(1, 999))
            text += f", under the item `{code}`"
        elif roll < 0.15:
            path = f"{rng.randint(2019, 2025)}/{rng.randint(1000, 99999)}"
            text += f", as [the published text](https://example.org/documents/{path}) shows"
        if rng.random() < cite:
            text += " " + self.marker()
        return text + "."

    def paragraph(self, count: int) -> str:
        """Return a paragraph of ``count`` sentences."""
        return " ".join(self.sentence() for _ in range(count))


def _body_list(ctx: BriefContext) -> str:
    """Return a bulleted or numbered Markdown list."""
    rng = ctx.rng
    items = rng.sample(LIST_ITEMS, rng.randint(3, 5))
    ordered = rng.random() < 0.4
    lines = []
    for i, item in enumerate(items, 1):
        bullet = f"{i}." if ordered else "-"
        suffix = " " + ctx.marker() if rng.random() < 0.4 else ""
        lines.append(f"{bullet} {ctx.fill(item)}{suffix}")
    intro = ctx.sentence(cite=0.0)[:-1] + ", including:"
    return intro + "\n\n" + "\n".join(lines)


def _body_quote(ctx: BriefContext, speaker: str) -> str:
    """Return a blockquote whose last line attributes it to ``speaker``."""
    rng = ctx.rng
    text = ctx.fill(rng.choice(QUOTE_LINES))
    dash = rng.choice(("—", "—", "–", "--"))
    return f"> “{text}”\n> {dash} {speaker} {ctx.marker()}"


def _takeaway_lines(ctx: BriefContext) -> list[str]:
    """Return one or two cited takeaway sentences."""
    templates = ctx.rng.sample(TAKEAWAY_LINES, ctx.rng.randint(1, 2))
    return [f"{ctx.fill(t)} {ctx.marker()}." for t in templates]


def _takeaway_section(ctx: BriefContext) -> str:
    """Return a takeaway section: a heading and one or two paragraphs or list items."""
    rng = ctx.rng
    heading = rng.choice(TAKEAWAY_HEADINGS)
    lines = _takeaway_lines(ctx)
    body = "\n".join(f"- {line}" for line in lines) if rng.random() < 0.4 else "\n\n".join(lines)
    return f"## {heading}\n\n{body}"


def _uncited_sentence(ctx: BriefContext) -> str:
    """Return a sentence citing every source not cited yet (empty when none)."""
    missing = [n for n in range(1, ctx.n_sources + 1) if n not in ctx.cited]
    if not missing:
        return ""
    ctx.cited.update(missing)
    markers = " ".join(
        "[" + ", ".join(str(n) for n in missing[i : i + 2]) + "]" for i in range(0, len(missing), 2)
    )
    return f"Further details were reported separately {markers}."


def make_body(ctx: BriefContext, speakers: list[str], takeaway_section: bool) -> str:
    """Return a Markdown body of roughly 250-600 words citing every source."""
    rng = ctx.rng
    target = rng.randint(250, 520)
    blocks = [ctx.sentence(rng.choice(SENTENCES[:3]), cite=1.0) + " " + ctx.paragraph(2)]
    words = len(blocks[0].split())
    headings = rng.sample(HEADINGS, 3)
    extras = ["list"] * (rng.random() < 0.6) + ["quote"] * (rng.random() < 0.35)
    while words < target:
        roll = rng.random()
        if headings and roll < 0.3 and not blocks[-1].startswith("## "):
            block = f"## {headings.pop()}"
        elif extras and roll < 0.5:
            kind = extras.pop()
            block = _body_list(ctx) if kind == "list" else _body_quote(ctx, rng.choice(speakers))
        else:
            block = ctx.paragraph(rng.randint(2, 5))
        blocks.append(block)
        words += len(block.split())
    if blocks[-1].startswith("## "):
        blocks.append(ctx.paragraph(2))
    tail = _uncited_sentence(ctx)
    if tail:
        blocks[-1] += " " + tail
    if takeaway_section:
        blocks.append(_takeaway_section(ctx))
    return "\n\n".join(blocks) + "\n"


@dataclass
class Corpus:
    """The pools shared by every brief of one corpus."""

    actors: list[Actor]
    publishers: list[Publisher]
    actor_zipf: Zipf
    topic_zipf: Zipf
    place_zipf: Zipf
    publisher_zipf: Zipf
    slugs: set[str] = field(default_factory=set)


def _actor_ref(rng: random.Random, actor: Actor) -> tuple[str, str]:
    """Return ``(front-matter item, prose mention)`` for one actor of a brief."""
    roll = rng.random()
    mention = actor.aliases[0] if actor.aliases and rng.random() < 0.3 else actor.name
    if actor.registry and roll < 0.15:
        return actor.id, mention
    if actor.aliases and roll < 0.35:
        return yaml_str(rng.choice(actor.aliases)), mention
    if not actor.registry and roll < 0.1:
        role = yaml_str(actor.role or "member")
        return flow_map([("name", yaml_str(actor.name)), ("role", role)]), mention
    return yaml_str(actor.name), mention


def _source_item(ctx: BriefContext, corpus: Corpus, day: date, slug: str, n: int) -> str:
    """Return one source entry as a YAML flow mapping."""
    rng = ctx.rng
    roll = rng.random()
    if roll < 0.08:
        return "{}"
    pub = corpus.publishers[corpus.publisher_zipf.draw(rng)]
    pairs: list[tuple[str, str]] = []
    if roll < 0.9 and (rng.random() < 0.7 or not pub.registry):
        title = ctx.fill(rng.choice(TITLES))
        pairs.append(("title", yaml_str(title[0].upper() + title[1:])))
    if roll < 0.16:
        pairs.append(("url", json.dumps(f"https://example.net/reports/{slug}-{n}")))
        return flow_map(pairs)
    pairs.append(("publisher", pub.id if pub.registry else yaml_str(pub.name)))
    if rng.random() < 0.6:
        pairs.append(("url", json.dumps(f"https://example.com/{pub.id}/{day.year}/{slug}-{n}")))
    if rng.random() < 0.5:
        pairs.append(("date", (day - timedelta(days=rng.randint(0, 3))).isoformat()))
    return flow_map(pairs)


def _date_value(rng: random.Random, day: date) -> str:
    """Return a brief's ``date`` value: a date, or now and then an ISO date-time."""
    roll = rng.random()
    if roll < 0.75:
        return day.isoformat()
    hh, mm = rng.randint(0, 23), rng.choice((0, 15, 30, 45))
    zone = "Z" if roll < 0.9 else rng.choice(("+03:00", "-05:00", "+01:00"))
    return f"{day.isoformat()}T{hh:02d}:{mm:02d}:00{zone}"


def _unique_slug(corpus: Corpus, base: str) -> str:
    """Return ``base`` or ``base-2``, ``base-3``... whichever is unused."""
    slug = base
    for i in itertools.count(2):
        if slug not in corpus.slugs:
            break
        slug = f"{base}-{i}"
    corpus.slugs.add(slug)
    return slug


def _events(ctx: BriefContext, day: date, names: list[str]) -> list[str]:
    """Return 0-3 event entries as YAML flow mappings."""
    rng = ctx.rng
    items = []
    for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
        when = day + timedelta(days=rng.randint(-10, 20))
        who = rng.sample(names, rng.randint(1, min(2, len(names))))
        count = rng.randint(1, min(2, ctx.n_sources))
        nums = sorted(rng.sample(range(1, ctx.n_sources + 1), count))
        ctx.cited.update(nums)
        pairs = [
            ("date", when.isoformat()),
            ("title", yaml_str(ctx.fill(rng.choice(TITLES)))),
            ("actors", flow_list([yaml_str(w) for w in who])),
            ("place", yaml_str(rng.choice(ctx.places))),
            ("sources", flow_list([str(n) for n in nums])),
        ]
        items.append(flow_map(pairs))
    return items


def _quotes(ctx: BriefContext, names: list[str]) -> list[str]:
    """Return 0-2 front-matter quotes as YAML flow mappings."""
    rng = ctx.rng
    items = []
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        pairs = [("text", json.dumps(ctx.fill(rng.choice(QUOTE_LINES)), ensure_ascii=False))]
        if rng.random() < 0.85:
            pairs.append(("by", yaml_str(rng.choice(names))))
        n = rng.randint(1, ctx.n_sources)
        ctx.cited.add(n)
        if ctx.n_sources > 1 and rng.random() < 0.15:
            pairs.append(("source", flow_list(sorted({str(n), str(n % ctx.n_sources + 1)}))))
        else:
            pairs.append(("source", str(n)))
        items.append(flow_map(pairs))
    return items


def make_brief(rng: random.Random, corpus: Corpus, index: int, drafts: float) -> tuple[str, str]:
    """Return ``(relative path, file text)`` of brief number ``index``."""
    day = FIRST_DAY + timedelta(days=rng.randint(0, (LAST_DAY - FIRST_DAY).days))
    actors = [corpus.actors[i] for i in corpus.actor_zipf.distinct(rng, rng.randint(3, 7))]
    refs = [_actor_ref(rng, a) for a in actors]
    names = [a.name for a in actors]
    topics = [TOPICS[i] for i in corpus.topic_zipf.distinct(rng, rng.randint(1, 3))]
    places = [PLACES[i] for i in corpus.place_zipf.distinct(rng, rng.randint(1, 3))]
    ctx = BriefContext(rng, actors, [m for _, m in refs], places, topics, rng.randint(2, 6))
    title = ctx.fill(rng.choice(TITLES))
    title = title[0].upper() + title[1:]
    slug = _unique_slug(corpus, slugify(title, 60))
    sources = [_source_item(ctx, corpus, day, slug, n) for n in range(1, ctx.n_sources + 1)]
    lines = ["---", f"title: {yaml_str(title)}", f"date: {_date_value(rng, day)}"]
    if rng.random() < 0.05:
        lines.append(f"slug: {_unique_slug(corpus, f'{slug}-brief-{index}')}")
    if rng.random() < 0.3:
        lines.append(f"summary: {yaml_str(ctx.sentence(cite=0.0))}")
    if rng.random() < 0.05:
        lines.append(f"updated: {(day + timedelta(days=rng.randint(1, 30))).isoformat()}")
    lines.append("actors:")
    lines.extend(f"  - {item}" for item, _ in refs)
    lines.append(f"places: {flow_list([yaml_str(p) for p in places])}")
    lines.append(f"topics: {flow_list([yaml_str(t) for t in topics])}")
    lines.append("sources:")
    lines.extend(f"  - {s}" for s in sources)
    _append_list(lines, "events", _events(ctx, day, names))
    _append_list(lines, "quotes", _quotes(ctx, names))
    takeaway_mode = rng.random()
    if takeaway_mode < 0.6:
        items = [json.dumps(t, ensure_ascii=False) for t in _takeaway_lines(ctx)]
        _append_list(lines, "takeaways", items)
    if drafts and rng.random() < drafts:
        lines.append("draft: true")
    lines.append("---")
    body = make_body(ctx, names, takeaway_section=takeaway_mode > 0.4)
    path = f"content/briefs/{day.year}/{day.isoformat()}-{slug}.md"
    return path, "\n".join(lines) + "\n" + body


def _append_list(lines: list[str], key: str, items: list[str]) -> None:
    """Append a block sequence ``key:`` with ``items`` (nothing when empty)."""
    if items:
        lines.append(f"{key}:")
        lines.extend(f"  - {item}" for item in items)


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------


def actor_file(rng: random.Random, actor: Actor) -> str:
    """Return the registry file text of ``actor``."""
    lines = ["---", f"name: {yaml_str(actor.name)}", f"kind: {actor.kind}"]
    if actor.role:
        lines.append(f"role: {yaml_str(actor.role)}")
    lines.append(f"country: {yaml_str(actor.country)}")
    if actor.aliases:
        lines.append(f"aliases: {flow_list([yaml_str(a) for a in actor.aliases])}")
    if rng.random() < 0.5:
        lines.append(f'links: ["https://example.org/profiles/{actor.id}"]')
    lines.append("---")
    what = actor.role or actor.kind
    bio = (
        f"{actor.name} is a synthetic {what} from {actor.country}, generated for benchmarks.\n\n"
        f"Active on *{rng.choice(TOPICS).lower()}* and {rng.choice(TOPICS).lower()} "
        f"since {rng.randint(2005, 2020)}.\n"
    )
    return "\n".join(lines) + "\n" + bio


def publisher_file(pub: Publisher) -> str:
    """Return the registry file text of ``pub``."""
    return f'name: {yaml_str(pub.name)}\nurl: "https://example.com/{pub.id}/"\nkind: {pub.kind}\n'


def site_file(n_briefs: int) -> str:
    """Return ``content/site.yml``."""
    return (
        f"title: Synthetic Briefings ({n_briefs} briefs)\n"
        f"base_url: {BASE_URL}\n"
        "language: en\n"
        "timezone: UTC\n"
        "description: A generated corpus for benchmarking briefsite.\n"
    )


def write(root: Path, rel: str, text: str, made: set[str]) -> None:
    """Write ``text`` to ``root/rel`` as UTF-8 with LF line endings."""
    parent = rel.rpartition("/")[0]
    if parent not in made:
        (root / parent).mkdir(parents=True, exist_ok=True)
        made.add(parent)
    with open(root / rel, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def generate(n_briefs: int, out: Path, seed: int = 1, drafts: float = 0.0) -> None:
    """Write a corpus of ``n_briefs`` briefs into ``out``."""
    rng = random.Random(seed)
    actors = make_actors(rng, max(MIN_ACTORS, n_briefs // 20))
    publishers = make_publishers(rng)
    corpus = Corpus(
        actors,
        publishers,
        Zipf(len(actors)),
        Zipf(len(TOPICS), 0.8),
        Zipf(len(PLACES), 0.8),
        Zipf(len(publishers), 0.9),
    )
    made: set[str] = set()
    write(out, "content/site.yml", site_file(n_briefs), made)
    for actor in actors:
        if actor.registry:
            write(out, f"content/actors/{actor.id}.md", actor_file(rng, actor), made)
    for pub in publishers:
        if pub.registry:
            write(out, f"content/sources/{pub.id}.yml", publisher_file(pub), made)
    for index in range(n_briefs):
        write(out, *make_brief(rng, corpus, index, drafts), made)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--briefs", type=int, required=True, help="number of briefs")
    parser.add_argument("--out", type=Path, required=True, help="site root to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--drafts", type=float, default=0.0, help="fraction of drafts (0)")
    parser.add_argument("--force", action="store_true", help="replace an existing content/")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    args = parse_args(argv)
    content = args.out / "content"
    if content.exists():
        if not args.force:
            print(f"error: {content} exists (use --force to replace it)", file=sys.stderr)
            return 2
        shutil.rmtree(content)
    start = time.perf_counter()
    generate(args.briefs, args.out, args.seed, args.drafts)
    elapsed = time.perf_counter() - start
    print(f"wrote {args.briefs} briefs to {args.out} in {elapsed:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
