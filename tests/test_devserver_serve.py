"""`serve()` end to end in a child process: URL printed, browser opened, clean Ctrl+C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

CHILD = textwrap.dedent(
    """
    import sys, webbrowser
    from pathlib import Path
    from briefsite.devserver import BuildOutcome, DevServerError, serve

    webbrowser.open = lambda url, *args, **kwargs: print("OPENED", url, flush=True)
    root = Path(sys.argv[1])
    try:
        serve(
            lambda changed: BuildOutcome(True, (), ("index.html",)),
            root / "_site",
            [root / "content", root / "content" / "site.yml"],
            port=int(sys.argv[2]),
            open_browser=True,
            base_path=sys.argv[3],
            initial=BuildOutcome(False, ("content/site.yml:1: error: <bad>",), ()),
            log=lambda message: print(message, flush=True),
        )
    except DevServerError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    """
)


def start_child(root: Path, port: int = 0, base_path: str = "/") -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root), str(port), base_path],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def make_site(root: Path) -> None:
    (root / "content").mkdir()
    (root / "content/site.yml").write_text("title: x\n")
    (root / "_site").mkdir()
    (root / "_site/index.html").write_text("<html><body>served</body></html>")


def read_until(child: subprocess.Popen[str], prefix: str) -> str:
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith(prefix):
            return line
    raise AssertionError(f"no line starting with {prefix!r}; stderr: {child.stderr.read()}")


def test_serve_prints_the_url_opens_it_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    make_site(tmp_path)
    child = start_child(tmp_path, base_path="/desk/")
    try:
        assert read_until(child, "content/site.yml:1: error: <bad>")
        url = read_until(child, "Serving ").split(" at ")[1].split()[0]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/desk/")
        assert read_until(child, "OPENED ").split()[1] == url
        with urllib.request.urlopen(url, timeout=2) as response:
            assert b"served" in response.read()
        stopping = time.monotonic()
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=3)
        assert time.monotonic() - stopping < 1.5
    finally:
        child.kill()
    assert child.returncode == 0
    assert "Traceback" not in stderr
    assert stderr == ""


def test_serve_reports_a_port_in_use_in_one_line(tmp_path: Path) -> None:
    make_site(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        child = start_child(tmp_path, port=port)
        _, stderr = child.communicate(timeout=5)
    assert child.returncode == 2
    assert stderr == f"error: port {port} is already in use on 127.0.0.1 (try --port 0)\n"
