"""Every signed-in person can change their own password, under the same rules."""

from __future__ import annotations

from tests.integration.accounts_support import (
    NEW_PASSWORD,
    PASSWORD,
    audit_actions,
    new_person,
    sign_in,
    text,
)


def change(client, current: str, new: str, confirm: str | None = None):
    confirm = new if confirm is None else confirm
    return client.post(
        "/password", data={"current_password": current, "new_password": new, "confirm_password": confirm}
    )


def test_every_page_links_to_change_your_password(client) -> None:
    person = new_person()
    sign_in(client, person.email)
    assert 'href="/password">Change your password</a>' in text(client.get("/worklist"))
    page = text(client.get("/password"))
    assert "At least 12 characters" in page and "no rules about capitals, numbers or symbols" in page


def test_an_empty_form_says_what_to_enter(client) -> None:
    person = new_person()
    sign_in(client, person.email)
    response = change(client, "", "", "")
    assert response.status_code == 400
    for message in ["Enter your current password", "Enter a new password", "Confirm your new password"]:
        assert message in text(response)


def test_a_wrong_current_password_is_refused_and_counted_as_a_failed_sign_in(client) -> None:
    person = new_person()
    sign_in(client, person.email)
    response = change(client, "a wrong guess", NEW_PASSWORD)
    assert response.status_code == 200 and "Your current password is not right" in text(response)
    assert ("auth.failed", f"{person.email} (changing their password)") in audit_actions(actor_id=person.id)
    for _ in range(4):
        change(client, "a wrong guess", NEW_PASSWORD)
    # a stolen session cannot be used to guess the password quickly either
    assert "Wait 5 seconds before you try again" in text(change(client, PASSWORD, NEW_PASSWORD))


def test_the_new_password_must_meet_the_rules_and_be_typed_twice_the_same(client) -> None:
    person = new_person()
    sign_in(client, person.email)
    cases = {
        "short one": "Your password must be 12 characters or more",
        "password1234": "Your password is too common or too easy to guess",
        f"{person.email.split('@')[0]} rocks": "must not contain your email address or the name in it",
        PASSWORD: "Your new password must be different from your current one",
    }
    for new, message in cases.items():
        response = change(client, PASSWORD, new)
        assert response.status_code == 400 and message in text(response), new
    mismatch = change(client, PASSWORD, NEW_PASSWORD, "kettle river lanterns")
    assert mismatch.status_code == 400 and "Enter the same new password twice" in text(mismatch)
    assert sign_in(client, person.email, PASSWORD).status_code == 302  # nothing was changed
