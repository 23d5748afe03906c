"""The preview server: HTTP, watching and live reload around an injected build.

The build is a callable (`BuildFn`) returning a `BuildOutcome`; see
`docs/architecture.md`, "The preview server's contract with the build".
"""

from briefsite.devserver.http import DevServerError, PortInUseError, PreviewServer
from briefsite.devserver.livereload import LiveReload
from briefsite.devserver.outcome import BuildFn, BuildOutcome
from briefsite.devserver.session import DevSession, serve
from briefsite.devserver.watch import Watcher

__all__ = [
    "BuildFn",
    "BuildOutcome",
    "DevServerError",
    "DevSession",
    "LiveReload",
    "PortInUseError",
    "PreviewServer",
    "Watcher",
    "serve",
]
