"""Keyword filters through the client API: v2 CRUD, the v1 view, and filtered timelines."""

from __future__ import annotations

import pytest

from tidings.audit.models import AuditEvent
from tidings.lib.errors import InvalidInput
from tidings.social.actions import do_follow
from tidings.social.actions.filters import do_create_filter
from tidings.social.filtering import keyword_pattern
from tidings.social.models_lists import Filter

MEGABYTE = "x" * 1_000_000


def _make(client, **fields):
    body = {
        "title": "Spoilers",
        "context": ["home", "public"],
        "filter_action": "warn",
        "keywords_attributes": [{"keyword": "finale", "whole_word": True}],
        **fields,
    }
    return client.post("/api/v2/filters", body, content_type="application/json")


def test_a_filter_is_created_with_keywords_read_changed_and_deleted(alice, api_client):
    client = api_client(alice)
    made = _make(client, expires_in=3600).json()
    assert made["title"] == "Spoilers"
    assert made["context"] == ["home", "public"]
    assert made["filter_action"] == "warn"
    assert made["expires_at"] is not None
    assert [(k["keyword"], k["whole_word"]) for k in made["keywords"]] == [("finale", True)]
    assert [f["id"] for f in client.get("/api/v2/filters").json()] == [made["id"]]
    keyword_id = made["keywords"][0]["id"]
    changed = client.put(
        f"/api/v2/filters/{made['id']}",
        {
            "title": "TV",
            "filter_action": "hide",
            "keywords_attributes": [
                {"id": keyword_id, "_destroy": True},
                {"keyword": "season", "whole_word": False},
            ],
        },
        content_type="application/json",
    ).json()
    assert (changed["title"], changed["filter_action"]) == ("TV", "hide")
    assert [(k["keyword"], k["whole_word"]) for k in changed["keywords"]] == [("season", False)]
    added = client.post(f"/api/v2/filters/{made['id']}/keywords", {"keyword": "episode"}).json()
    assert added["whole_word"] is True
    words = client.get(f"/api/v2/filters/{made['id']}/keywords").json()
    assert [k["keyword"] for k in words] == ["season", "episode"]
    v1 = client.get("/api/v1/filters").json()
    assert [(f["phrase"], f["irreversible"]) for f in v1] == [("season", True), ("episode", True)]
    assert client.delete(f"/api/v2/filters/keywords/{added['id']}").status_code == 200
    assert client.delete(f"/api/v2/filters/{made['id']}").status_code == 200
    assert client.get("/api/v2/filters").json() == []
    assert client.get("/api/v1/filters").json() == []
    actions = list(
        AuditEvent.objects.filter(action__startswith="filter.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "filter.create",
        "filter.update",
        "filter.keyword.add",
        "filter.keyword.delete",
        "filter.delete",
    ]


def test_someone_elses_filter_is_not_found(alice, bob, api_client):
    made = _make(api_client(alice)).json()
    other = api_client(bob)
    assert other.get(f"/api/v2/filters/{made['id']}").status_code == 404
    assert other.delete(f"/api/v2/filters/{made['id']}").status_code == 404
    assert other.get(f"/api/v2/filters/{made['id']}/keywords").status_code == 404
    keyword = made["keywords"][0]["id"]
    assert other.delete(f"/api/v2/filters/keywords/{keyword}").status_code == 404
    assert other.get("/api/v2/filters").json() == []
    assert Filter.objects.filter(id=made["id"]).exists()


@pytest.mark.parametrize(
    ("fields", "status", "reason"),
    [
        ({"title": ""}, 422, "Title can't be blank"),
        ({"title": MEGABYTE}, 422, "Title is too long"),
        ({"title": "a\x00b"}, 400, "NUL"),
        ({"context": []}, 422, "Context can't be blank"),
        ({"context": ["everywhere"]}, 422, "Context"),
        ({"filter_action": "blur"}, 422, "Filter action"),
        ({"expires_in": -5}, 422, "Expires in"),
        ({"keywords_attributes": [{"keyword": MEGABYTE}]}, 422, "Keyword is too long"),
        ({"keywords_attributes": [{"keyword": "a\x00"}]}, 400, "NUL"),
        ({"keywords_attributes": [{"keyword": " "}]}, 422, "Keyword can't be blank"),
    ],
)
def test_bad_filter_input_is_refused_with_a_reason(alice, api_client, fields, status, reason):
    answer = _make(api_client(alice), **fields)
    assert answer.status_code == status, answer.content[:200]
    assert reason in answer.json()["error"]
    assert not Filter.objects.exists()


def test_the_actions_refuse_nul_in_titles_and_keywords_themselves(alice):
    with pytest.raises(InvalidInput, match="NUL"):
        do_create_filter("a\x00", context=["home"], acting_user=alice)
    with pytest.raises(InvalidInput, match="NUL"):
        do_create_filter("t", context=["home"], keywords=[("k\x00", True)], acting_user=alice)


def test_whole_words_match_only_whole_words_and_any_case():
    import re

    whole = re.compile(keyword_pattern("cat", True), re.IGNORECASE)
    part = re.compile(keyword_pattern("cat", False), re.IGNORECASE)
    assert whole.search("A CAT sat") and not whole.search("concatenate")
    assert part.search("concatenate")
    assert re.search(keyword_pattern("#farm", True), "the #farm laws")


@pytest.fixture
def timeline(alice, bob, make_post, run_on_commit, api_client):
    with run_on_commit():
        do_follow(bob, acting_user=alice)
    posts = {
        "plain": make_post(bob, "Weather is fine"),
        "spoiler": make_post(bob, "The FINALE was great"),
        "hidden": make_post(bob, "Buy crypto now"),
    }
    client = api_client(alice)
    _make(client)
    _make(
        client,
        title="Scams",
        context=["home"],
        filter_action="hide",
        keywords_attributes=[{"keyword": "crypto"}],
    )
    return client, posts


def test_home_carries_warn_matches_and_leaves_out_hidden_posts(timeline):
    client, posts = timeline
    home = client.get("/api/v1/timelines/home").json()
    by_id = {s["id"]: s for s in home}
    assert str(posts["hidden"].id) not in by_id
    warned = by_id[str(posts["spoiler"].id)]["filtered"]
    assert [(w["filter"]["title"], w["keyword_matches"]) for w in warned] == [
        ("Spoilers", ["finale"])
    ]
    assert by_id[str(posts["plain"].id)]["filtered"] == []


def test_filters_apply_only_in_their_contexts(timeline, bob, api_client):
    client, posts = timeline
    profile = client.get(f"/api/v1/accounts/{bob.id}/statuses").json()
    assert {s["id"] for s in profile} == {str(p.id) for p in posts.values()}
    assert all(s["filtered"] == [] for s in profile)
    public = {s["id"]: s for s in client.get("/api/v1/timelines/public").json()}
    assert str(posts["hidden"].id) in public  # "Scams" is for home only
    assert public[str(posts["spoiler"].id)]["filtered"][0]["filter"]["title"] == "Spoilers"
    anonymous = api_client().get("/api/v1/timelines/public").json()
    assert all(s["filtered"] == [] for s in anonymous)


def test_a_filter_can_match_a_status_by_id(timeline):
    client, posts = timeline
    made = _make(client, title="This one", keywords_attributes=[]).json()
    entry = client.post(
        f"/api/v2/filters/{made['id']}/statuses", {"status_id": str(posts["plain"].id)}
    ).json()
    assert entry["status_id"] == str(posts["plain"].id)
    listed = client.get(f"/api/v2/filters/{made['id']}/statuses").json()
    assert [e["id"] for e in listed] == [entry["id"]]
    home = {s["id"]: s for s in client.get("/api/v1/timelines/home").json()}
    result = home[str(posts["plain"].id)]["filtered"][0]
    assert result["status_matches"] == [entry["id"]]
    assert client.delete(f"/api/v2/filters/statuses/{entry['id']}").status_code == 200
    home = {s["id"]: s for s in client.get("/api/v1/timelines/home").json()}
    assert home[str(posts["plain"].id)]["filtered"] == []


def test_an_expired_filter_no_longer_matches(timeline):
    client, posts = timeline
    Filter.objects.filter(title="Scams").update(expires_at="2000-01-01T00:00:00Z")
    home = {s["id"] for s in client.get("/api/v1/timelines/home").json()}
    assert str(posts["hidden"].id) in home


def test_a_page_hidden_entirely_by_filters_still_leads_to_the_next(timeline, bob, make_post):
    client, posts = timeline
    for i in range(3):
        make_post(bob, f"crypto {i}")
    first = client.get("/api/v1/timelines/home?limit=3")
    assert first.json() == []
    nxt = first["Link"].split(";")[0].strip("<>").replace("http://testserver", "")
    ids = [s["id"] for s in client.get(nxt).json()]
    assert ids == [str(posts["spoiler"].id), str(posts["plain"].id)]


def test_notifications_about_hidden_posts_go_and_warned_ones_say_why(
    alice, bob, make_post, api_client, run_on_commit
):
    with run_on_commit():
        make_post(bob, "@alice crypto deal for you")
        make_post(bob, "@alice the finale spoiler")
        make_post(bob, "@alice lunch?")
    client = api_client(alice)
    _make(client, context=["notifications"])
    _make(
        client,
        title="Scams",
        context=["notifications"],
        filter_action="hide",
        keywords_attributes=[{"keyword": "crypto"}],
    )
    notes = client.get("/api/v1/notifications").json()
    texts = [n["status"]["content"] for n in notes]
    assert not any("crypto" in t for t in texts) and len(notes) == 2
    warned = [n["status"]["filtered"] for n in notes if "finale" in n["status"]["content"]]
    assert warned[0][0]["filter"]["title"] == "Spoilers"


def test_keywords_can_come_as_form_fields_as_some_apps_send_them(alice, api_client):
    client = api_client(alice)
    made = client.post(
        "/api/v2/filters",
        {
            "title": "Form",
            "context[]": ["home"],
            "keywords_attributes[0][keyword]": "alpha",
            "keywords_attributes[0][whole_word]": "false",
            "keywords_attributes[1][keyword]": "beta",
        },
    ).json()
    assert [(k["keyword"], k["whole_word"]) for k in made["keywords"]] == [
        ("alpha", False),
        ("beta", True),
    ]


def test_a_keyword_of_someone_elses_filter_cannot_be_changed_through_mine(alice, bob, api_client):
    theirs = _make(api_client(bob)).json()
    mine = _make(api_client(alice)).json()
    answer = api_client(alice).put(
        f"/api/v2/filters/{mine['id']}",
        {"keywords_attributes": [{"id": theirs["keywords"][0]["id"], "keyword": "mine now"}]},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert (
        api_client(bob).get(f"/api/v2/filters/{theirs['id']}").json()["keywords"][0]["keyword"]
        == "finale"
    )
