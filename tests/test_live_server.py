import urllib.request


def test_tidings_serve_answers_over_http(live_tidings):
    with urllib.request.urlopen(live_tidings.url + "/public") as response:  # noqa: S310
        assert response.status == 200
