"""Asset fingerprinting: the theme's CSS and JavaScript published as `name.<hash>.ext`.

A fingerprinted file can be cached by browsers and CDNs forever, because any change to it
changes its name. Templates reach it through `asset('css/briefsite.css')`, which looks the
name up in the mapping made here.
"""

from __future__ import annotations

from briefsite.output import OutputFile

FINGERPRINTED = (".css", ".js")
HASH_LENGTH = 10


def fingerprinted_name(rel: str, digest: str) -> str:
    """`css/briefsite.css` -> `css/briefsite.<first 10 hex of digest>.css`."""
    folder, _, name = rel.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    named = f"{stem}.{digest[:HASH_LENGTH]}{dot}{ext}" if dot else f"{name}.{digest[:HASH_LENGTH]}"
    return f"{folder}/{named}" if folder else named


def fingerprint_assets(
    files: dict[str, OutputFile], names: set[str]
) -> tuple[dict[str, str], dict[str, OutputFile]]:
    """Rename the CSS/JS files among `names` by content; the name map and the renamed files.

    `files` are the static files (output path -> file); `names` are those the theme ships
    (a site's override of a theme file counts as that file). Other files keep their names.
    """
    assets: dict[str, str] = {}
    renamed: dict[str, OutputFile] = {}
    for rel, file in files.items():
        if rel in names and rel.endswith(FINGERPRINTED):
            new = fingerprinted_name(rel, file.digest)
            assets[rel] = new
            renamed[new] = file
        else:
            renamed[rel] = file
    return assets, renamed
