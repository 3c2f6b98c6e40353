"""Direct messages, conversations and polls through the client API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tidings.audit.models import AuditEvent
from tidings.social.actions import check_poll, do_create_post_with_poll, do_end_polls
from tidings.social.models import Notification, Post


def _post(client, **data):
    return client.post("/api/v1/statuses", data, content_type="application/json")


def test_a_direct_status_is_seen_by_the_people_it_mentions_and_no_one_else(
    api_client, alice, bob, carol, run_tasks
):
    sent = _post(api_client(alice), status="@bob just between us", visibility="direct")
    assert sent.status_code == 200, sent.content
    assert sent.json()["visibility"] == "direct"
    status_id = sent.json()["id"]
    run_tasks()
    assert api_client(bob).get(f"/api/v1/statuses/{status_id}").status_code == 200
    assert api_client(carol).get(f"/api/v1/statuses/{status_id}").status_code == 404
    assert api_client().get(f"/api/v1/statuses/{status_id}").status_code == 404
    home = api_client(bob).get("/api/v1/timelines/home").json()
    assert [s["id"] for s in home] == [status_id]


def test_a_third_account_finds_a_direct_message_nowhere(
    api_client, alice, bob, carol, run_tasks, client
):
    from tidings.social.actions import do_follow

    do_follow(alice, acting_user=carol)
    _post(api_client(alice), status="@bob secretword tractors #rally", visibility="direct")
    run_tasks()
    bob_home = api_client(bob).get("/api/v1/timelines/home").content.decode()
    assert "secretword tractors" in bob_home  # it is there to be found, by its participants
    carol_api = api_client(carol)
    for path in (
        "/api/v1/timelines/home",
        "/api/v1/timelines/public",
        "/api/v1/timelines/tag/rally",
        f"/api/v1/accounts/{alice.id}/statuses",
        "/api/v2/search?q=secretword&type=statuses",
        "/api/v1/conversations",
        "/api/v1/notifications",
    ):
        answer = carol_api.get(path)
        assert answer.status_code == 200, path
        assert "secretword tractors" not in answer.content.decode(), path
    client.force_login(carol)
    web = client
    for path in ("/", "/public", "/tags/rally", "/@alice", "/search?q=secretword", "/direct"):
        assert "secretword tractors" not in web.get(path, follow=True).content.decode(), path


def test_conversations_list_each_thread_once_with_its_newest_message_unread(
    api_client, alice, bob, carol
):
    first = _post(api_client(alice), status="@bob @carol dinner?", visibility="direct").json()
    answer = _post(
        api_client(bob), status="@alice yes", visibility="direct", in_reply_to_id=first["id"]
    ).json()
    _post(api_client(carol), status="@alice something else", visibility="direct")
    alices = api_client(alice).get("/api/v1/conversations").json()
    assert len(alices) == 2
    thread = next(c for c in alices if c["last_status"]["id"] == answer["id"])
    assert thread["unread"] is True
    assert sorted(a["username"] for a in thread["accounts"]) == ["bob", "carol"]
    bobs = api_client(bob).get("/api/v1/conversations").json()
    assert [c["unread"] for c in bobs] == [False]  # bob wrote the newest message


def test_reading_and_hiding_a_conversation_are_the_callers_own(api_client, alice, bob):
    _post(api_client(alice), status="@bob hello", visibility="direct")
    bob_api = api_client(bob)
    [conversation] = bob_api.get("/api/v1/conversations").json()
    read = bob_api.post(f"/api/v1/conversations/{conversation['id']}/read")
    assert read.status_code == 200 and read.json()["unread"] is False
    assert bob_api.delete(f"/api/v1/conversations/{conversation['id']}").status_code == 200
    assert bob_api.get("/api/v1/conversations").json() == []
    assert len(api_client(alice).get("/api/v1/conversations").json()) == 1
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"conversation.read", "conversation.hide"} <= actions
    # Someone else's conversation id is not found, never touched.
    assert (
        api_client(alice).delete(f"/api/v1/conversations/{conversation['id']}").status_code == 404
    )
    assert bob_api.post("/api/v1/conversations/nonsense/read").status_code == 404


def test_a_new_message_brings_a_hidden_conversation_back(api_client, alice, bob):
    first = _post(api_client(alice), status="@bob one", visibility="direct").json()
    bob_api = api_client(bob)
    [conversation] = bob_api.get("/api/v1/conversations").json()
    bob_api.delete(f"/api/v1/conversations/{conversation['id']}")
    _post(api_client(alice), status="@bob two", visibility="direct", in_reply_to_id=first["id"])
    [again] = bob_api.get("/api/v1/conversations").json()
    assert again["id"] == conversation["id"] and again["unread"] is True


def test_conversations_page_by_the_id_of_their_newest_message(api_client, alice, bob):
    for i in range(3):
        _post(api_client(alice), status=f"@bob thread {i}", visibility="direct")
    bob_api = api_client(bob)
    page = bob_api.get("/api/v1/conversations?limit=2")
    assert len(page.json()) == 2
    next_url = page["Link"].split(">")[0].lstrip("<")
    rest = bob_api.get(next_url).json()
    assert [c["last_status"]["content"] for c in rest] == ["<p>@bob thread 0</p>"] or len(rest) == 1
    seen = {c["id"] for c in page.json()} | {c["id"] for c in rest}
    assert len(seen) == 3


def test_a_direct_status_cannot_be_reblogged(api_client, alice, bob):
    sent = _post(api_client(alice), status="@bob private", visibility="direct").json()
    answer = api_client(bob).post(f"/api/v1/statuses/{sent['id']}/reblog")
    assert answer.status_code == 422
    assert "direct" in answer.json()["error"]


# -- polls ------------------------------------------------------------------------


def _poll_post(client, options=("Yes", "No"), expires_in=3600, **extra):
    return _post(
        client,
        status="Should we march?",
        poll={"options": list(options), "expires_in": expires_in, **extra},
    )


def test_a_status_with_a_poll_shows_it_and_the_instance_states_the_limits(api_client, alice):
    answer = _poll_post(api_client(alice), multiple=True)
    assert answer.status_code == 200, answer.content
    poll = answer.json()["poll"]
    assert [o["title"] for o in poll["options"]] == ["Yes", "No"]
    assert poll["multiple"] is True and poll["expired"] is False
    assert poll["votes_count"] == 0 and poll["voted"] is False and poll["own_votes"] == []
    limits = api_client().get("/api/v2/instance").json()["configuration"]["polls"]
    assert limits == {
        "max_options": 4,
        "max_characters_per_option": 50,
        "min_expiration": 300,
        "max_expiration": 604800,
    }


def test_a_poll_can_be_sent_as_form_fields(api_client, alice):
    answer = api_client(alice).post(
        "/api/v1/statuses",
        {
            "status": "form poll",
            "poll[options][]": ["A", "B", "C"],
            "poll[expires_in]": "300",
            "poll[hide_totals]": "true",
        },
    )
    assert answer.status_code == 200, answer.content
    assert [o["title"] for o in answer.json()["poll"]["options"]] == ["A", "B", "C"]


@pytest.mark.parametrize(
    ("options", "expires_in", "says"),
    [
        (["only one"], 3600, "2 to 4 options"),
        (["a", "b", "c", "d", "e"], 3600, "2 to 4 options"),
        (["a", "x" * 51], 3600, "at most 50 characters"),
        (["a", "x" * 1_000_000], 3600, "at most 50 characters"),
        (["a", "   "], 3600, "cannot be empty"),
        (["a", "a"], 3600, "differ"),
        (["a", "b"], 299, "5 minutes"),
        (["a", "b"], 604801, "7 days"),
        (["a", "b"], "soon", "seconds"),
    ],
)
def test_an_invalid_poll_is_refused_with_a_clear_422(api_client, alice, options, expires_in, says):
    answer = _poll_post(api_client(alice), options=options, expires_in=expires_in)
    assert answer.status_code == 422
    assert says in answer.json()["error"]
    assert not Post.objects.filter(author=alice).exists()


def test_a_nul_byte_in_a_poll_option_is_refused(api_client, alice):
    answer = _poll_post(api_client(alice), options=["a", "b\x00c"])
    assert answer.status_code == 400
    assert "NUL" in answer.json()["error"]
    with pytest.raises(Exception, match="NUL"):
        check_poll(["a", "b\x00"], 3600)


def test_voting_counts_once_and_shows_own_votes(api_client, alice, bob):
    poll_id = _poll_post(api_client(alice), options=["A", "B", "C"]).json()["poll"]["id"]
    bob_api = api_client(bob)
    voted = bob_api.post(f"/api/v1/polls/{poll_id}/votes", {"choices[]": ["1"]})
    assert voted.status_code == 200, voted.content
    data = voted.json()
    assert data["voted"] is True and data["own_votes"] == [1]
    assert [o["votes_count"] for o in data["options"]] == [0, 1, 0]
    assert data["voters_count"] == 1
    again = bob_api.post(f"/api/v1/polls/{poll_id}/votes", {"choices[]": ["0"]})
    assert again.status_code == 422 and "already voted" in again.json()["error"]
    # The author may vote in their own poll, as on Mastodon.
    mine = api_client(alice).post(f"/api/v1/polls/{poll_id}/votes", {"choices[]": ["0"]})
    assert mine.status_code == 200 and mine.json()["voters_count"] == 2


@pytest.mark.parametrize(
    ("choices", "says"),
    [(["7"], "from 0 to 1"), (["-1"], "from 0 to 1"), (["x"], "index"), ([], "at least one")],
)
def test_an_invalid_choice_is_refused(api_client, alice, bob, choices, says):
    poll_id = _poll_post(api_client(alice)).json()["poll"]["id"]
    answer = api_client(bob).post(
        f"/api/v1/polls/{poll_id}/votes", {"choices": choices}, content_type="application/json"
    )
    assert answer.status_code == 422
    assert says in answer.json()["error"]


def test_a_single_choice_poll_takes_one_choice(api_client, alice, bob):
    poll_id = _poll_post(api_client(alice)).json()["poll"]["id"]
    answer = api_client(bob).post(f"/api/v1/polls/{poll_id}/votes", {"choices[]": ["0", "1"]})
    assert answer.status_code == 422 and "single choice" in answer.json()["error"]


def test_an_expired_poll_says_so_by_the_clock_and_refuses_votes(api_client, alice, bob):
    poll_id = _poll_post(api_client(alice)).json()["poll"]["id"]
    from tidings.social.models_direct import Poll

    Poll.objects.filter(id=poll_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    bob_api = api_client(bob)
    assert bob_api.get(f"/api/v1/polls/{poll_id}").json()["expired"] is True
    answer = bob_api.post(f"/api/v1/polls/{poll_id}/votes", {"choices[]": ["0"]})
    assert answer.status_code == 422 and "ended" in answer.json()["error"]


def test_hidden_totals_show_only_once_the_poll_ends(api_client, alice, bob):
    poll_id = _poll_post(api_client(alice), hide_totals=True).json()["poll"]["id"]
    shown = api_client(bob).post(f"/api/v1/polls/{poll_id}/votes", {"choices[]": ["0"]}).json()
    assert [o["votes_count"] for o in shown["options"]] == [None, None]
    assert [
        o["votes_count"]
        for o in api_client(alice).get(f"/api/v1/polls/{poll_id}").json()["options"]
    ] == [1, 0]


def test_a_poll_on_a_post_one_cannot_see_is_not_found_and_takes_no_vote(api_client, alice, bob):
    poll_id = _post(
        api_client(alice),
        status="followers poll",
        visibility="private",
        poll={"options": ["a", "b"], "expires_in": 600},
    ).json()["poll"]["id"]
    bob_api = api_client(bob)
    assert bob_api.get(f"/api/v1/polls/{poll_id}").status_code == 404
    assert bob_api.post(f"/api/v1/polls/{poll_id}/votes", {"choices[]": ["0"]}).status_code == 404
    assert bob_api.get("/api/v1/polls/99999999999").status_code == 404
    assert bob_api.get("/api/v1/polls/nonsense").status_code == 404


def test_the_end_of_a_poll_notifies_its_voters_and_author_once(
    api_client, alice, bob, carol, run_periodic_tasks
):
    post = do_create_post_with_poll("Which?", poll=check_poll(["a", "b"], 300), acting_user=alice)
    poll_id = post.poll.id
    api_client(bob).post(f"/api/v1/polls/{poll_id}/votes", {"choices[]": ["0"]})
    assert do_end_polls(acting_user=None) == 0  # not ended yet
    from tidings.social.models_direct import Poll

    Poll.objects.filter(id=poll_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    run_periodic_tasks()
    told = Notification.objects.filter(kind="poll").values_list("recipient__username", flat=True)
    assert sorted(told) == ["alice", "bob"]
    assert do_end_polls(acting_user=None) == 0
    kinds = [n["type"] for n in api_client(bob).get("/api/v1/notifications").json()]
    assert kinds[0] == "poll"
    assert AuditEvent.objects.filter(action="poll.end").count() == 1
