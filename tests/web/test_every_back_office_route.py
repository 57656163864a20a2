"""Every route under /manage/, whatever domain adds it, is closed to anonymous visitors (to the login page)
and to company members (403), for GET and POST alike (SPEC 3.7, 4b); for an organizer, ids and slugs that
name nothing answer 404 (or a form's 4xx), never 500. The pages' own tests try each as an organizer."""
import pytest

MANAGE_PREFIX = "/manage"
NOTHING = {"slug": "no-such-campaign", "file_format": "csv"}  # every other argument: an id that names nothing


def manage_urls(app) -> list[tuple[str, str]]:
    """(method, url) of every /manage/ rule, its ids set to one that names no row."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(MANAGE_PREFIX):
            continue
        url = rule.rule
        for argument in rule.arguments:
            value = NOTHING.get(argument, "987654")
            url = url.replace(f"<id:{argument}>", value).replace(f"<int:{argument}>", value)
            url = url.replace(f"<{argument}>", value)
        found += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def test_the_back_office_of_every_domain_is_walked(app):
    urls = {url for _method, url in manage_urls(app)}
    for expected in ("/manage/", "/manage/audit", "/manage/events/987654/registrations",
                     "/manage/events/987654/dashboard", "/manage/campaigns/no-such-campaign/report",
                     "/manage/events/987654/sign-in-sheet", "/manage/events/987654/messages/new",
                     "/manage/companies/987654/attendees.csv", "/manage/outbox"):
        assert expected in urls


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_anonymous_visitors_are_sent_to_log_in(client, app, method):
    for route_method, url in manage_urls(app):
        if route_method == method:
            response = client.open(url, method=method)
            assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_company_members_are_refused(client, app, auth, make_company_member, method):
    auth.login_as(make_company_member())
    for route_method, url in manage_urls(app):
        if route_method == method:
            assert client.open(url, method=method).status_code == 403, url


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_organizer_naming_nothing_gets_a_4xx_never_a_500(client, app, auth, method):
    auth.login()
    pages_of_all = {"/manage/", "/manage/audit", "/manage/outbox", "/manage/events", "/manage/campaigns",
                    "/manage/organizations", "/manage/venues", "/manage/companies"}
    for route_method, url in manage_urls(app):
        if route_method != method or ("987654" not in url and "no-such-campaign" not in url):
            continue
        status = client.open(url, method=method).status_code
        assert 400 <= status < 500, (url, status)
    for url in pages_of_all:
        assert client.get(url).status_code == 200, url
