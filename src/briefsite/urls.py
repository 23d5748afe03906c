"""Every URL of the site, computed in one place with the base path prefix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Urls:
    """Root-relative URLs (starting with the base path) and their output files."""

    base_path: str = "/"
    origin: str = "http://localhost"

    def page(self, *segments: str) -> str:
        """The pretty URL of a page: `/desk/briefs/x/`."""
        inner = "/".join(segments)
        return self.base_path + (inner + "/" if inner else "")

    def file(self, name: str) -> str:
        """The URL of a file at the output root: `/desk/feed.xml`."""
        return self.base_path + name

    def absolute(self, url: str) -> str:
        """An absolute URL for feeds and the sitemap."""
        return self.origin + url

    def output_path(self, url: str) -> str:
        """The file in the output directory that serves `url`."""
        inner = url[len(self.base_path) :]
        return inner + "index.html" if inner == "" or inner.endswith("/") else inner

    def home(self) -> str:
        return self.page()

    # the pages there are thousands of, made directly (as `page` would: a big site asks
    # for tens of thousands of these URLs in a build)
    def brief(self, slug: str) -> str:
        return f"{self.base_path}briefs/{slug}/"

    def actor(self, actor_id: str) -> str:
        return f"{self.base_path}actors/{actor_id}/"

    def publisher(self, publisher_id: str) -> str:
        return f"{self.base_path}sources/{publisher_id}/"

    def topic(self, slug: str) -> str:
        return f"{self.base_path}topics/{slug}/"

    def place(self, slug: str) -> str:
        return f"{self.base_path}places/{slug}/"

    def timeline(self, actor_id: str | None = None) -> str:
        """The timeline, or the timeline of one actor's events: `/timeline/<actor-id>/`."""
        return self.page("timeline", actor_id) if actor_id else self.page("timeline")

    def section(self, name: str) -> str:
        """An index page: briefs, actors, sources, timeline, quotes, takeaways, topics, places."""
        return self.page(name)
