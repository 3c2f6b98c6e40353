"""What a viewer is told about withheld content: the 451 page and the banners name the country,
the authority and the legal basis, and link to the public notice (and, for the author, the appeal)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.actions.intake import do_import_demand
from tidings.legal.actions.publication import do_publish_demand
from tidings.legal.actions.withholding import do_withhold
from tidings.legal.models import Withholding

INDIA = {"HTTP_X_TEST_COUNTRY": "IN"}
USA = {"HTTP_X_TEST_COUNTRY": "US"}
MINISTRY = "Ministry of Electronics and Information Technology"
BASIS = "Section 69A of the Information Technology Act, 2000"
FULL_BASIS = f"Demand from {MINISTRY} (India) under {BASIS} (IN-ITA-69A)."


@pytest.fixture(autouse=True)
def _country_header(settings):
    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    settings.TIDINGS_GEOIP = False


@pytest.fixture
def kisan(make_account):
    return make_account("kisanvoice", display_name="Kisan Voice")


@pytest.fixture
def order(legal):
    """Import an order of MeitY under s.69A naming ``lines`` and withhold all it matched."""

    def run(lines: str, *, confidential: bool = False, reference: str = "MEITY/2021/257"):
        demand = do_import_demand(
            lines,
            authority_name=MINISTRY,
            country="IN",
            reference=reference,
            legal_basis=BASIS,
            legal_basis_code="IN-ITA-69A",
            confidential=confidential,
            acting_user=legal,
        ).demand
        do_decide_items(demand, "all_matched", action="withhold", reason="order", acting_user=legal)
        return demand

    return run


def post_line(post) -> str:
    return f"https://localhost:8000/@{post.author.username}/{post.id}"


def notice_links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)">Read the public notice</a>', html)


def test_the_451_page_of_a_post_names_country_authority_basis_and_links_the_notice(
    client: Client, kisan, make_post, order
):
    post = make_post(kisan, "#FarmersProtest at the border")
    demand = order(post_line(post))
    response = client.get(f"/@kisanvoice/{post.id}", **INDIA)
    assert response.status_code == 451
    page = response.content.decode()
    assert (
        "This post from @kisanvoice has been withheld in India in response to a legal demand."
        in page
    )
    assert FULL_BASIS in page
    assert notice_links(page) == [f"/transparency/notices/{demand.id}"]
    notice = client.get(notice_links(page)[0])
    assert notice.status_code == 200
    assert MINISTRY in notice.content.decode()


def test_the_451_page_of_a_profile_names_country_authority_basis_and_links_the_notice(
    client: Client, kisan, order
):
    demand = order("@kisanvoice")
    response = client.get("/@kisanvoice", **INDIA)
    assert response.status_code == 451
    page = response.content.decode()
    assert "@kisanvoice has been withheld in India in response to a legal demand." in page
    assert FULL_BASIS in page
    assert notice_links(page) == [f"/transparency/notices/{demand.id}"]
    assert client.get(notice_links(page)[0]).status_code == 200


def test_a_viewer_in_the_us_sees_the_banner_with_the_same_notice_link(
    client: Client, kisan, make_post, order
):
    post = make_post(kisan, "#FarmersProtest at the border")
    demand = order(post_line(post))
    response = client.get(f"/@kisanvoice/{post.id}", **USA)
    assert response.status_code == 200
    page = response.content.decode()
    assert "#FarmersProtest at the border" in page
    assert "Withheld in India in response to a legal demand." in page
    assert FULL_BASIS in page
    assert notice_links(page) == [f"/transparency/notices/{demand.id}"]
    assert "Appeal this decision" not in page


def test_a_viewer_in_the_us_sees_the_banner_on_a_withheld_profile(client: Client, kisan, order):
    demand = order("@kisanvoice")
    page = client.get("/@kisanvoice", **USA).content.decode()
    assert "Withheld in India in response to a legal demand." in page
    assert FULL_BASIS in page
    assert notice_links(page) == [f"/transparency/notices/{demand.id}"]


def test_the_author_sees_their_banner_with_the_notice_and_the_appeal(
    client: Client, kisan, make_post, order
):
    post = make_post(kisan, "#FarmersProtest at the border")
    demand = order(post_line(post))
    client.force_login(kisan)
    page = client.get(f"/@kisanvoice/{post.id}", **INDIA).content.decode()
    assert FULL_BASIS in page
    assert notice_links(page) == [f"/transparency/notices/{demand.id}"]
    assert f'<a href="/appeals/new?post={post.id}">Appeal this decision</a>' in page


def test_the_author_of_a_withheld_account_sees_the_appeal_of_that_withholding(
    client: Client, kisan, order
):
    demand = order("@kisanvoice")
    withholding = Withholding.objects.get(account=kisan)
    client.force_login(kisan)
    page = client.get("/@kisanvoice", **INDIA).content.decode()
    assert "Your account is withheld in some countries." in page
    assert FULL_BASIS in page
    assert notice_links(page) == [f"/transparency/notices/{demand.id}"]
    link = f"/appeals/new?withholding={withholding.id}"
    assert f'<a href="{link}">Appeal this decision</a>' in page
    assert client.get(link).status_code == 200


def test_withheld_everywhere_names_no_country_and_a_direct_withholding_no_authority(
    client: Client, kisan, make_post, legal_admin
):
    post = make_post(kisan, "Tractor rally")
    withholding = do_withhold(
        post=post, countries=["XX"], reason="court order", acting_user=legal_admin
    )
    response = client.get(f"/@kisanvoice/{post.id}", **INDIA)
    assert response.status_code == 451
    page = response.content.decode()
    assert "has been withheld everywhere in response to a legal demand." in page
    assert "India" not in page
    assert "Demand from" not in page
    assert notice_links(page) == [f"/transparency/withholdings/{withholding.id}"]
    assert client.get(notice_links(page)[0]).status_code == 200
    client.force_login(kisan)
    own = client.get(f"/@kisanvoice/{post.id}", **USA).content.decode()
    assert "Withheld everywhere in response to a legal demand." in own
    assert "United States" not in own
    assert notice_links(own) == [f"/transparency/withholdings/{withholding.id}"]


def test_a_confidential_order_shows_its_basis_code_alone_until_published(
    client: Client, kisan, make_post, order, legal_admin, settings
):
    settings.TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS = None
    post = make_post(kisan, "#FarmersProtest at the border")
    demand = order(post_line(post), confidential=True, reference="SECRET-69A-7")
    for path, country in ((f"/@kisanvoice/{post.id}", INDIA), (f"/@kisanvoice/{post.id}", USA)):
        page = client.get(path, **country).content.decode()
        assert f"Demand from {MINISTRY} (India) under IN-ITA-69A." in page
        assert BASIS not in page
        assert "SECRET-69A-7" not in page
        assert notice_links(page) == [f"/transparency/notices/{demand.id}"]
    do_publish_demand(demand, acting_user=legal_admin)
    page = client.get(f"/@kisanvoice/{post.id}", **INDIA).content.decode()
    assert FULL_BASIS in page
    assert "SECRET-69A-7" not in page  # the 451 page names the law, not the order's reference


def test_a_page_of_withheld_posts_costs_the_same_queries_however_many_are_withheld(
    client: Client, kisan, make_post, order
):
    def public_timeline_queries() -> int:
        client.get("/public", **USA)  # the first request after a decision reloads the index
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/public", **USA).content.decode()
        assert page.count(FULL_BASIS) == withheld
        return len(queries)

    posts = [make_post(kisan, f"Dispatch {n}") for n in range(2)]
    order("\n".join(post_line(p) for p in posts))
    withheld = 2
    few = public_timeline_queries()
    more = [make_post(kisan, f"Dispatch {n}") for n in range(2, 12)]
    order("\n".join(post_line(p) for p in more), reference="MEITY/2021/258")
    withheld = 12
    assert public_timeline_queries() == few
