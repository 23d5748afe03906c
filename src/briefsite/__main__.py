"""`python -m briefsite`."""

from briefsite.cli import run

run()
