"""The persistent build cache: what the last build read and wrote, so the next does less.

Stored as a pickle under `.briefsite-cache/` that only a restricted unpickler reads (our
model classes, dates and plain containers; nothing else can be constructed) and that is
signed with a key private to this user, so a cache made elsewhere (or tampered with) is
ignored with a warning, never trusted.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import io
import os
import pickle
import secrets
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import jinja2
import jinja2.bccache

from briefsite import __version__
from briefsite.diagnostics import Diagnostic
from briefsite.model import BodyParts, BodySource, Brief
from briefsite.sitefiles import inside

if TYPE_CHECKING:
    from briefsite.registry import RegistryMemo

CACHE_DIR = ".briefsite-cache"
SOURCE_SHARDS = 32
_MAGIC = b"briefsite-cache\n"
_READ_NO_FOLLOW = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
Mapper = Callable[[Callable[[int], None], list[int]], Iterable[None]]
_ALLOWED_GLOBALS = {
    ("briefsite.cache", "BuildState"),
    ("briefsite.cache", "SourceRecord"),
    ("briefsite.diagnostics", "Diagnostic"),
    ("briefsite.model", "Actor"),
    ("briefsite.model", "ActorRef"),
    ("briefsite.model", "Event"),
    ("briefsite.model", "Publisher"),
    ("briefsite.model", "Quote"),
    ("briefsite.model", "SourceEntry"),
    ("briefsite.model", "Takeaway"),
    ("briefsite.model", "_brief_from"),
    ("datetime", "datetime"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
}
"""Everything a cache may name: our records, dates, and the function that makes a brief.
Any other name is refused, even one reached through these modules (to pickle, `os.system`
in `briefsite.cache` is the `os.system` it imports): a cache that somehow passed the
signature check still could not run code."""


@functools.cache
def code_version() -> str:
    """briefsite's version plus a digest of its code, so any change to the code voids caches."""
    hasher = hashlib.blake2b(digest_size=8)
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        hasher.update(path.read_bytes())
    return f"{__version__}+{hasher.hexdigest()}"


@dataclass
class SourceRecord:
    """A brief file as last read: its stat, its digest and what reading it gave."""

    size: int
    mtime_ns: int
    digest: str
    brief: Brief | None
    diagnostics: tuple[Diagnostic, ...]

    def __reduce__(self) -> tuple:  # made by one call when loaded, not from a dict
        return (SourceRecord, (self.size, self.mtime_ns, self.digest, self.brief, self.diagnostics))


@dataclass
class BuildState:
    """Everything one build hands to the next."""

    version: str = field(default_factory=code_version)
    context_key: str = ""
    render_key: str = ""
    inputs_key: str = ""
    sources: dict[str, SourceRecord] = field(default_factory=dict)
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)
    statics: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    live: dict[str, str] | None = None
    spare: dict[str, str] | None = None
    live_id: tuple[int, int] | None = None
    spare_id: tuple[int, int] | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    search: dict[int, tuple[str, dict[str, str]]] = field(default_factory=dict)
    """Each shard of the search index: its key and its files with their digests."""
    aspect_keys: dict[str, str] = field(default_factory=dict)
    """The key of each aspect of briefs pages show (`Views.aspect_keys`), last time."""
    related_key: str = ""
    related: dict[str, tuple[str, ...]] = field(default_factory=dict)
    bodies: dict[str, str] = field(default_factory=dict)
    """The digest of every published brief when pages were last rendered, by path."""
    quick: dict[str, str] = field(default_factory=dict)
    """Quick keys of pages that have one (`PageSpec.quick`), by output path."""
    template_keys: dict[str, str] = field(default_factory=dict)
    """Each template's key (`render.template_keys`) when pages were last rendered..."""
    templates_for: str = ""
    """...and the render key (covering every template) they were computed for."""
    registry_files: RegistryMemo = field(default_factory=dict)
    """What reading each actor and publisher file gave last time."""


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> object:
        if (module, name) in _ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache")


def _key() -> bytes:
    """This user's signing key, made on first use."""
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "briefsite"
    path = home / "cache-key"
    try:
        return path.read_bytes()
    except OSError:
        home.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        return key


def outside_cache(site: Path) -> Path | None:
    """The site's cache folder (or its folder of compiled templates) if it leads outside the
    site root, which is never written or read: a symlink planted there would have builds
    fill, and `briefsite clean` empty, a folder elsewhere. None if all is well."""
    folder = site / CACHE_DIR
    for path in (folder, folder / "templates"):
        if (path.exists() or path.is_symlink()) and not inside(site, path):
            return path
    return None


def state_path(cache_dir: Path, output: Path) -> Path:
    """One state file per output directory (a build and a preview do not share one)."""
    tag = hashlib.blake2b(str(output.resolve()).encode(), digest_size=6).hexdigest()
    return cache_dir / f"state-{tag}.pickle"


def sources_path(state_file: Path, shard: int, kind: str = "sources") -> Path:
    """One shard of the (large) record of every brief read, kept beside the (small) state.

    Briefs are spread over `SOURCE_SHARDS` files by a hash of their path, so an edit of
    one brief rewrites one shard, not the record of the whole site. Their bodies are kept
    in shards of their own (`kind` "bodies"), read only when a page needs one.
    """
    name = state_file.name.replace("state-", f"{kind}-", 1)
    return state_file.with_name(name).with_suffix(f".{shard:02d}.pickle")


def source_shard(rel: str) -> int:
    """The shard that records the brief at `rel`."""
    return zlib.crc32(rel.encode()) % SOURCE_SHARDS


def read_signed(path: Path, kind: type) -> tuple[object | None, str | None]:
    """An object saved by `write_signed`, or None and a warning if foreign or corrupt.

    A cache written by another version of briefsite is simply not used (no warning).
    """
    return _unpickled(path, *_verified(path), kind)


def _verified(path: Path) -> tuple[bytes | None, int, str | None]:
    """A signed file's bytes and where its payload starts, if this user's briefsite (this
    version) signed them; else no bytes, maybe with a warning."""
    try:
        with open(os.open(path, _READ_NO_FOLLOW), "rb") as handle:  # a symlink is not read
            blob = handle.read()
    except OSError:
        return None, 0, None
    try:
        if not blob.startswith(_MAGIC):
            raise ValueError("not a briefsite cache")
        end = blob.find(b"\n", len(_MAGIC))
        if blob[len(_MAGIC) : end] != code_version().encode():
            return None, 0, None
        view = memoryview(blob)  # the payload is most of the file: never copied
        signature, payload = view[end + 1 : end + 33], view[end + 33 :]
        expected = hmac.new(_key(), payload, hashlib.sha256).digest()
        if not hmac.compare_digest(bytes(signature), expected):
            raise ValueError("not made by this user's briefsite")
    except Exception as exc:  # any failure at all means: do not trust it
        return None, 0, f"ignoring the build cache {path}: {exc}"
    return blob, end + 33, None


def _unpickled(
    path: Path, blob: bytes | None, start: int, warning: str | None, kind: type
) -> tuple[object | None, str | None]:
    """The object pickled in a verified `blob` from `start`, if it is a `kind`."""
    if blob is None:
        return None, warning
    try:
        stream = io.BytesIO(blob)  # shares the bytes, does not copy them
        stream.seek(start)
        value = _Unpickler(stream).load()
        if not isinstance(value, kind):
            raise ValueError("unexpected content")
    except Exception as exc:  # any failure at all means: do not trust it
        return None, f"ignoring the build cache {path}: {exc}"
    return value, None


class _SigningWriter:
    """A file that signs what passes through it, so a large pickle is never held in memory."""

    def __init__(self, handle: io.BufferedWriter) -> None:
        self.handle = handle
        self.mac = hmac.new(_key(), digestmod=hashlib.sha256)

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return self.handle.write(data)


def write_signed(path: Path, value: object) -> bool:
    """Pickle, sign and write atomically; whether it was written (best effort: a cache that
    cannot be written is fine)."""
    try:
        _make_folder(path.parent)
        with _replacing(path) as handle:
            handle.write(_MAGIC + code_version().encode() + b"\n")
            signature_at = handle.tell()
            handle.write(bytes(32))  # the signature, once the payload is written
            writer = _SigningWriter(handle)
            pickle.Pickler(writer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
            handle.seek(signature_at)
            handle.write(writer.mac.digest())
    except OSError:
        return False
    return True


@contextlib.contextmanager
def _replacing(path: Path) -> Iterator[BinaryIO]:
    """A new file that replaces `path` in one rename once written: a symlink at `path` (or
    at the temporary name beside it) is replaced, never written through."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        with temporary.open("xb") as handle:
            yield handle
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise


def _make_folder(folder: Path) -> None:
    """The cache's folder, made if need be, which git is told to ignore."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if ignore.is_symlink() or not ignore.is_file():
        with _replacing(ignore) as handle:
            handle.write(b"*\n")


def writing_marker(state_file: Path) -> Path:
    """A file present while a build writes the output (see `mark_writing`)."""
    return state_file.with_suffix(".writing")


def mark_writing(state_file: Path) -> bool:
    """Say that a build is writing the output, so that until its state is saved (which
    removes the mark) the saved state's record of the output is not trusted: if the build
    dies while writing, the next one finds out what the output holds. Whether it is said."""
    marker = writing_marker(state_file)
    try:
        _make_folder(marker.parent)
        with _replacing(marker):
            pass
    except OSError:
        return False
    return True


def load_state(path: Path) -> tuple[BuildState | None, str | None]:
    """The saved state (without its sources, see `load_sources`), or None and a warning."""
    state, warning = read_signed(path, BuildState)
    if not isinstance(state, BuildState) or state.version != code_version():
        return None, warning
    if os.path.lexists(writing_marker(path)):  # a build died while writing the output
        state.live = state.spare = None
    return state, None


def load_sources(path: Path, bodies: BodySource) -> dict[str, SourceRecord]:
    """The saved record of every brief read (a shard missing or untrusted is left out); the
    briefs find their bodies in `bodies` when first asked.

    Shards are read one after the other: a thread reading the next while this one was
    unpickled made a rebuild of one brief at 10,000 slower (1.13 against 1.09 s), not
    faster; unpickling holds the GIL, and the two threads fought over it.
    """
    sources: dict[str, SourceRecord] = {}
    for shard in range(SOURCE_SHARDS):
        shard_path = sources_path(path, shard)
        records, _ = _unpickled(shard_path, *_verified(shard_path), dict)
        if isinstance(records, dict):
            sources.update(records)
    for record in sources.values():
        if isinstance(record.brief, Brief):
            record.brief.keep_body_in(bodies)
    return sources


class BodyStore:
    """The bodies of the briefs in the build cache, a shard read when a page first needs one.

    A body missing from its shard, or saved for other bytes of its brief, comes from
    `reread` (reading the brief again), so a damaged shard costs time, never correctness.
    """

    def __init__(self, state_file: Path, reread: Callable[[Brief], BodyParts]) -> None:
        self.state_file = state_file
        self.reread = reread
        self._shards: dict[int, dict[str, tuple[str, BodyParts]]] = {}

    def body(self, brief: Brief) -> BodyParts:
        """The body (and cited passages) of a brief from the cache."""
        shard = source_shard(brief.path)
        bodies = self._shards.get(shard)
        if bodies is None:
            found, _ = read_signed(sources_path(self.state_file, shard, "bodies"), dict)
            bodies = self._shards[shard] = found if isinstance(found, dict) else {}
        saved = bodies.get(brief.path)
        if isinstance(saved, tuple) and saved[0] == brief.digest:
            return BodyParts(*saved[1])
        return self.reread(brief)


def save_state(
    path: Path, state: BuildState, changed: Collection[str] | None, mapper: Mapper = map
) -> None:
    """Save the state, and the shards of the sources that hold a changed (or removed) brief.

    `changed` None means every shard. `mapper` (like `map`) writes the shards, maybe in
    parallel.
    """
    shards = range(SOURCE_SHARDS) if changed is None else {source_shard(r) for r in changed}
    if shards:
        records: list[dict[str, SourceRecord]] = [{} for _ in range(SOURCE_SHARDS)]
        for rel, record in state.sources.items():
            records[source_shard(rel)][rel] = record

        def write(shard: int) -> None:
            briefs = {rel: r.brief for rel, r in records[shard].items() if r.brief}
            bodies = {
                rel: (brief.digest, (brief.body_html, brief.passages))
                for rel, brief in briefs.items()
            }
            write_signed(sources_path(path, shard, "bodies"), bodies)
            light = {
                rel: replace(r, brief=r.brief and r.brief.without_body())
                for rel, r in records[shard].items()
            }
            write_signed(sources_path(path, shard), light)

        with contextlib.suppress(OSError):
            _key()  # made here, if new, not by several writers at once
        for _ in mapper(write, sorted(shards)):
            pass
    if write_signed(path, replace(state, sources={})):
        with contextlib.suppress(OSError):
            writing_marker(path).unlink(missing_ok=True)


class SignedBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept between builds, signed like the rest of the cache.

    A rebuild that renders a few pages would spend longer compiling the templates than
    rendering them. Jinja2 checks each entry against its template's source; an entry that
    is foreign or damaged is compiled again, never run.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, bucket: jinja2.bccache.Bucket) -> Path:
        return self.folder / f"{bucket.key}.template"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code, _ = read_signed(self._path(bucket), bytes)
        if isinstance(code, bytes):
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        write_signed(self._path(bucket), bucket.bytecode_to_string())
