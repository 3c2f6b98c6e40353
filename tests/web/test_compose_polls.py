"""Polls from the web composer: the form creates them, and bad input comes back as the form
with the reason and everything typed kept, never a server error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.lib.test_images import png_bytes
from tests.web.conftest import HTMX, page_text
from tidings.social.models import MediaAttachment, Post
from tidings.social.models_direct import Poll


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _compose(client, options, *, text="Which day should we march?", **fields):
    data = {"text": text, "visibility": "public", "poll_options": options}
    data.setdefault("poll_expires_in", "86400")
    data.update(fields)
    return client.post("/compose", data)


def test_the_composer_offers_a_poll_with_four_options_durations_and_single_or_multiple(
    signed_in, alice
):
    page = page_text(signed_in(alice).get("/compose"))
    assert "Add a poll" in page
    assert page.count('name="poll_options"') == 4
    for n in range(1, 5):
        assert f'<label for="id_poll_option_{n}">Option {n}</label>' in page
    for seconds, name in [
        (300, "5 minutes"),
        (1800, "30 minutes"),
        (3600, "1 hour"),
        (21600, "6 hours"),
        (86400, "1 day"),
        (259200, "3 days"),
        (604800, "7 days"),
    ]:
        assert f'<option value="{seconds}"' in page and f">{name}</option>" in page
    assert '<option value="86400" selected>1 day</option>' in page
    assert "One choice" in page and "Several choices" in page
    # Closed until used: a plain post is not a poll.
    assert '<details class="compose__poll" data-poll>' in page


def test_a_form_post_creates_a_multiple_choice_poll_that_lasts_the_chosen_time(
    signed_in, alice, bob, run_on_commit
):
    with run_on_commit():
        response = _compose(
            signed_in(alice),
            ["Monday", "Tuesday", "  Friday  "],
            poll_expires_in="3600",
            poll_multiple="multiple",
        )
    assert response.status_code == 302
    post = Post.objects.get(author=alice)
    poll = Poll.objects.get(post=post)
    assert [o.title for o in poll.options.order_by("position")] == ["Monday", "Tuesday", "Friday"]
    assert poll.multiple is True
    assert poll.expires_at - post.created_at == timedelta(hours=1)
    # Another person sees it as a poll to vote in, with check boxes for several choices.
    page = page_text(signed_in(bob).get(f"/@alice/{post.id}"))
    assert f'action="/polls/{poll.id}/votes"' in page
    assert page.count('type="checkbox" name="choices"') == 3


def test_blank_option_slots_are_left_out_and_one_choice_is_the_default(
    signed_in, alice, run_on_commit
):
    with run_on_commit():
        response = _compose(signed_in(alice), ["Yes", "", "No", "   "])
    assert response.status_code == 302
    poll = Poll.objects.get(post__author=alice)
    assert [o.title for o in poll.options.order_by("position")] == ["Yes", "No"]
    assert poll.multiple is False
    assert poll.expires_at - poll.post.created_at == timedelta(days=1)


def test_a_post_without_any_option_typed_is_an_ordinary_post(signed_in, alice, run_on_commit):
    with run_on_commit():
        response = _compose(signed_in(alice), ["", "", "", ""], text="Just words")
    assert response.status_code == 302
    assert Post.objects.get(author=alice).text == "Just words"
    assert not Poll.objects.exists()


@pytest.mark.parametrize(
    ("options", "fields", "says"),
    [
        (["Only one", "", "", ""], {}, "A poll has 2 to 4 options; this one has 1."),
        (["a", "b", "c", "d", "e"], {}, "A poll has 2 to 4 options; this one has 5."),
        (["Same", "Same"], {}, "A poll&#x27;s options must differ from each other."),
        (["Short", "x" * 51], {}, "A poll option is at most 50 characters; one has 51."),
        (
            ["Short", "y" * 1_000_000],
            {},
            "A poll option is at most 50 characters; one has 1000000.",
        ),
        (["Tea", "Coffee"], {"poll_expires_in": "60"}, "A poll lasts from 5 minutes"),
        (["Tea", "Coffee"], {"poll_expires_in": "9999999"}, "A poll lasts from 5 minutes"),
        (["Tea", "Coffee"], {"poll_expires_in": "soon"}, "expires_in is a number of seconds"),
        (["Tea", "Coffee"], {"poll_multiple": "some"}, "Select a valid choice."),
    ],
)
def test_a_bad_poll_is_refused_with_the_reason_and_the_text_and_options_kept(
    signed_in, alice, options, fields, says
):
    text = "Tea or coffee at the sit-in?"
    response = _compose(signed_in(alice), options, text=text, **fields)
    assert response.status_code == 422
    body = page_text(response)
    assert says in body
    assert text in body
    for option in options:
        if option.strip():
            assert f'value="{option}"' in body
    assert '<details class="compose__poll" data-poll open>' in body
    assert not Post.objects.filter(author=alice).exists()
    assert not Poll.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"poll_options": ["Tea", "Cof\x00fee"]},
        {"poll_options": ["Tea", "Coffee"], "poll_expires_in": "3600\x00"},
        {"poll_options": ["Tea", "Coffee"], "poll_multiple": "\x00"},
    ],
)
def test_a_nul_character_in_a_poll_field_is_refused_as_in_every_form(signed_in, alice, fields):
    response = signed_in(alice).post(
        "/compose", {"text": "Tea or coffee?", "visibility": "public", **fields}
    )
    assert response.status_code == 400
    assert "A form field contains a NUL character." in page_text(response)
    assert not Post.objects.filter(author=alice).exists()
    assert not Poll.objects.exists()


def test_a_poll_with_images_is_refused_and_no_image_is_stored(signed_in, alice):
    response = _compose(
        signed_in(alice),
        ["Tea", "Coffee"],
        text="Pick one",
        image_1=SimpleUploadedFile("a.png", png_bytes(20, 20), content_type="image/png"),
        alt_1="A cup",
    )
    assert response.status_code == 422
    body = page_text(response)
    assert "A post can have a poll or images, not both." in body
    assert "Pick one" in body and 'value="Tea"' in body and "A cup" in body
    assert not Post.objects.filter(author=alice).exists()
    assert not MediaAttachment.objects.exists()


def test_a_poll_without_text_is_refused_and_its_options_are_kept(signed_in, alice):
    response = _compose(signed_in(alice), ["Tea", "Coffee"], text="  ")
    assert response.status_code == 422
    body = page_text(response)
    assert "A post cannot be empty." in body
    assert 'value="Tea"' in body and 'value="Coffee"' in body
    assert not Poll.objects.exists()


def test_a_poll_posted_through_htmx_comes_back_on_the_new_post_with_a_fresh_form(
    signed_in, alice, run_on_commit
):
    client = signed_in(alice)
    with run_on_commit():
        response = client.post(
            "/compose",
            {
                "text": "htmx poll",
                "visibility": "public",
                "poll_options": ["Left", "Right"],
                "poll_expires_in": "300",
            },
            **HTMX,
        )
    assert response.status_code == 200
    body = page_text(response)
    assert "htmx poll" in body
    # The new post carries its poll, and the form is empty again.
    poll = Poll.objects.get(post__author=alice)
    assert f'action="/polls/{poll.id}/votes"' in body
    assert '<input type="radio" name="choices" value="0"> Left</label>' in body
    assert '<input type="radio" name="choices" value="1"> Right</label>' in body
    assert 'value="Left"' not in body and 'value="Right"' not in body


def test_a_bad_poll_through_htmx_comes_back_as_the_form_with_the_reason(signed_in, alice):
    response = signed_in(alice).post(
        "/compose",
        {
            "text": "keep me",
            "visibility": "public",
            "poll_options": ["Same", "Same"],
            "poll_expires_in": "300",
        },
        **HTMX,
    )
    assert response.status_code == 422
    body = page_text(response)
    assert "<html" not in body
    assert "must differ from each other" in body and "keep me" in body
