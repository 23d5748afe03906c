"""The built-in theme ships inside the wheel: an installed briefsite builds a site anywhere."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from conftest import REPO_ROOT

pytestmark = pytest.mark.slow


def run(*command: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with briefsite installed from a freshly built wheel."""
    pytest.importorskip("hatchling")
    work = tmp_path_factory.mktemp("wheel")
    built = run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--wheel-dir",
        work / "dist",
        REPO_ROOT,
    )
    assert built.returncode == 0, built.stderr
    wheel = next((work / "dist").glob("briefsite-*.whl"))
    env = work / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env)
    python = env / "bin" / "python"
    done = run(
        python, "-m", "pip", "install", "--no-deps", "--no-index", "--force-reinstall", wheel
    )
    assert done.returncode == 0, done.stderr
    return env


def test_the_wheel_carries_the_theme(installed: Path) -> None:
    probe = run(
        installed / "bin" / "python",
        "-c",
        "import briefsite, briefsite.render as r; print(briefsite.__file__); print(r.theme_dir())",
    )
    module, theme = probe.stdout.split()
    assert module.startswith(str(installed)), "briefsite must come from the wheel"
    assert theme.startswith(str(installed)), "the theme must be package data"
    assert (Path(theme) / "templates" / "brief.html").is_file()
    assert (Path(theme) / "static" / "css" / "briefsite.css").is_file()


def test_an_installed_briefsite_builds_a_site_elsewhere(installed: Path, tmp_path: Path) -> None:
    site = tmp_path / "elsewhere" / "my-site"
    shutil.copytree(REPO_ROOT / "content", site / "content")
    result = run(installed / "bin" / "briefsite", "build", "--site", site, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = site / "_site"
    page = (out / "briefs" / "zelensky-istanbul" / "index.html").read_text(encoding="utf-8")
    stylesheets = list((out / "css").glob("briefsite.*.css"))
    assert len(stylesheets) == 1
    assert f'href="/css/{stylesheets[0].name}"' in page
    assert 'id="source-1"' in page and 'id="cite-1-1"' in page
    for name in ("feed.xml", "feed.json", "sitemap.xml", "404.html", "timeline/index.html"):
        assert (out / name).is_file(), name
