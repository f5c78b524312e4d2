"""The dashboard writes its thousands of links without urlencode's cost, and the same as it would."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from app.dashboard.links import _with_query


@pytest.mark.parametrize(
    "params",
    [
        {"team": 3, "pathway": "cas_assessment", "stage": "authorise_assessment", "overdue": 1},
        {"q": "Zoë O'Neil & co", "school": "St Mary's = 1/2", "from": "2026-12-01", "none": None},
        {"band": "41-45", "period": "range", "to": "2026-12-31", "dir": "desc"},
        {"x": "a+b c%d#e?f"},
        {},
    ],
)
def test_links_are_written_as_urlencode_writes_them(params) -> None:
    kept = {k: v for k, v in params.items() if v is not None}
    assert _with_query("/cases", params) == (f"/cases?{urlencode(kept)}" if kept else "/cases")
