"""The links behind the dashboard's figures, built once per page: the case list (the shared URL
contract's filters) where it can say which cases, the dashboard's own lists where it cannot.

url_for costs tens of microseconds a call, and a page for a manager of several large teams has
thousands of links; this builds each from two base paths, quoting as urlencode would, in the same order."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote_plus

from flask import url_for
from markupsafe import Markup, escape

_PLAIN = re.compile(r"[A-Za-z0-9_.\-]*")


class Links:
    def __init__(self, team: int | None, period_args: dict[str, str]) -> None:
        self.team = team
        self.period_args = period_args
        self._cases = url_for("cases.index")
        self._figure = url_for("dashboard.cases", figure="FIGURE")

    def cases(self, **filters: Any) -> str:
        """The case list filtered as asked, in the chosen team (unless `team` is given)."""
        params = {"team": filters.pop("team", self.team), **filters}
        return _with_query(self._cases, params)

    def figure(self, figure: str, band: str, *, period: bool = True) -> str:
        """The dashboard's own list of the cases behind one band of a figure."""
        params = {"band": band, "team": self.team, **(self.period_args if period else {})}
        return _with_query(self._figure.replace("FIGURE", figure), params)

    def case_anchor(self, count: int, hidden: str, **filters: Any) -> Markup:
        return anchor(count, self.cases(**filters), hidden)

    def figure_anchor(
        self, count: int, figure: str, band: str, hidden: str, *, period: bool = True
    ) -> Markup:
        return anchor(count, self.figure(figure, band, period=period), hidden)


def anchor(count: int, href: str, hidden: str) -> Markup:
    """A figure as a link; the words after it are for screen readers (which read links out of context)."""
    return Markup(  # noqa: S704  # every value in it is escaped or a number
        f'<a class="govuk-link" href="{escape(href)}">{int(count)}'
        f'<span class="govuk-visually-hidden"> {escape(hidden)}</span></a>'
    )


def _with_query(path: str, params: dict[str, Any]) -> str:
    """The path with the params that are set, as urlencode writes them (keys are our own names;
    a value is quoted only if it needs it: most are numbers and ids, and a page has thousands)."""
    parts = []
    for key, value in params.items():
        if value is None:
            continue
        text = str(value)
        parts.append(f"{key}={text if _PLAIN.fullmatch(text) else quote_plus(text)}")
    return f"{path}?{'&'.join(parts)}" if parts else path
