"""Saved views: a person names the filters of a list, finds them again, and deletes them; each
person's views are their own, and only filters the list itself accepts are kept."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, SavedView, Team
from tests import factories
from tests.conftest import login


def views_of(user) -> list[tuple[str, str, str]]:
    db.session.expire_all()
    rows = db.session.scalars(select(SavedView).where(SavedView.user_id == user.id).order_by(SavedView.id))
    return [(v.kind, v.name, v.query) for v in rows]


def test_a_saved_view_keeps_only_the_filters_the_list_accepts_and_opens_the_list_with_them(
    client, people
) -> None:
    team = db.session.scalar(select(Team.id).where(Team.name == "Early Help"))
    login(client, "manager@example.org")
    query = f"overdue=1&team={team}&page=7&sort=due&dir=asc&evil=%3Cscript%3E&worker=99999&dob=nonsense"
    response = client.post("/cases/saved-views", data={"name": "  Overdue   in Early Help ", "query": query})
    kept = f"team={team}&overdue=1&sort=due&dir=asc"
    assert response.status_code == 302 and response.headers["Location"] == f"/cases?{kept}"
    assert views_of(people["manager"]) == [("cases", "Overdue in Early Help", kept)]
    page = client.get("/cases").get_data(as_text=True)
    assert f'href="/cases?{kept.replace("&", "&amp;")}">Overdue in Early Help</a>' in page
    saved = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "saved_view.created"))
    assert saved is not None and saved.actor_id == people["manager"].id and saved.after["query"] == kept


def test_a_blank_or_repeated_name_is_refused_keeping_what_was_typed(client, people) -> None:
    login(client, "manager@example.org")
    blank = client.post("/cases/saved-views", data={"name": "   ", "query": "overdue=1"})
    assert blank.status_code == 400
    page = blank.get_data(as_text=True)
    assert "There is a problem" in page and "Enter a name for this view" in page
    assert 'name="query" value="overdue=1"' in page
    client.post("/cases/saved-views", data={"name": "Mine", "query": "overdue=1"})
    again = client.post("/cases/saved-views", data={"name": "Mine", "query": "due_soon=1"})
    assert again.status_code == 400
    page = again.get_data(as_text=True)
    assert "You already have a view with that name" in page and 'value="Mine"' in page
    too_long = client.post("/cases/saved-views", data={"name": "x" * 101, "query": ""})
    assert too_long.status_code == 400 and "100 characters or fewer" in too_long.get_data(as_text=True)
    assert views_of(people["manager"]) == [("cases", "Mine", "overdue=1")]
    # The same name on the other list is another view.
    assert client.post("/instances/saved-views", data={"name": "Mine", "query": ""}).status_code == 302


def test_each_persons_views_are_their_own(client, people) -> None:
    login(client, "manager@example.org")
    client.post("/cases/saved-views", data={"name": "Manager's view", "query": "overdue=1"})
    [view] = db.session.scalars(select(SavedView)).all()
    login(client, "admin@example.org")
    assert "Manager&#39;s view" not in client.get("/cases").get_data(as_text=True)
    assert client.post(f"/cases/saved-views/{view.id}/delete").status_code == 404
    assert client.post(f"/instances/saved-views/{view.id}/delete").status_code == 404
    assert client.post("/cases/saved-views/999999/delete").status_code == 404
    assert views_of(people["manager"]) == [("cases", "Manager's view", "overdue=1")]
    login(client, "manager@example.org")
    assert "Manager&#39;s view" in client.get("/cases").get_data(as_text=True)
    assert "Manager&#39;s view" not in client.get("/instances").get_data(as_text=True)  # another list
    deleted = client.post(f"/cases/saved-views/{view.id}/delete", data={"next": "/cases?overdue=1"})
    assert deleted.status_code == 302 and deleted.headers["Location"] == "/cases?overdue=1"
    assert views_of(people["manager"]) == []
    gone = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "saved_view.deleted"))
    assert gone is not None and gone.before["name"] == "Manager's view"


def test_a_delete_goes_back_only_to_a_page_of_this_site(client, people) -> None:
    login(client, "manager@example.org")
    client.post("/cases/saved-views", data={"name": "Mine", "query": ""})
    [view] = db.session.scalars(select(SavedView)).all()
    away = client.post(f"/cases/saved-views/{view.id}/delete", data={"next": "https://evil.example/"})
    assert away.headers["Location"] == "/cases"


def test_a_saved_view_of_the_process_list(client, people) -> None:
    factories.refer(people["school"])
    login(client, "manager@example.org")
    response = client.post(
        "/instances/saved-views", data={"name": "Stopped", "query": "status=incident&status=nonsense&page=2"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/instances?status=incident"
    page = client.get("/instances").get_data(as_text=True)
    assert 'href="/instances?status=incident">Stopped</a>' in page
    login(client, "practitioner@example.org")
    assert client.post("/instances/saved-views", data={"name": "x", "query": ""}).status_code == 403
    assert views_of(people["practitioner"]) == []
