"""The bilingual shell: language and direction, navigation, home page per role, error pages."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import permission_denied

from massar.core.choices import CycleCode
from massar.core.scoping import NO_SCOPE
from massar.territory.models import Academy
from massar.territory.tests.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db

CAST_SCHOOL_NAMES_FR = {
    "11565V": "Lycée Moulay Youssef",
    "11570P": "École Les Orangers",
    "12001C": "Collège Ibn Khaldoun",
    "21010B": "École Al Massira",
    "21011S": "Satellite Douar Ouled Ali",
}

#: The cast schools each member's home page shows, by code.
HOME_SCHOOLS = {
    "national_admin": set(),
    "academy_officer_a": set(),
    "academy_officer_b": set(),
    "directorate_officer_a1": {"11565V", "11570P"},
    "directorate_officer_b1": {"21010B", "21011S"},
    "director_a1": {"11565V"},
    "director_a2": {"12001C"},
    "director_b1": {"21010B", "21011S"},  # a central school runs its satellites
    "staff_a1": {"11565V"},
    "teacher_a1": {"11565V"},
    "parent_a1": {"11565V"},
    "student_a1": {"11565V"},
    "outsider": set(),
}

#: Directorates listed in each member's home, and directorates that must not appear.
HOME_DIRECTORATES = {
    "academy_officer_a": ({"Rabat", "Salé", "Kénitra", "Sidi Slimane"}, {"Oujda-Angad", "Berkane"}),
    "academy_officer_b": ({"Oujda-Angad", "Berkane", "Nador"}, {"Kénitra", "Sidi Slimane"}),
    "directorate_officer_a1": ({"Rabat"}, {"Kénitra", "Oujda-Angad"}),
    "directorate_officer_b1": ({"Oujda-Angad"}, {"Berkane", "Kénitra"}),
}


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def main_of(response) -> str:
    return response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]


def french(client):
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})


def in_french(message: str) -> str:
    with translation.override("fr"):
        return translation.gettext(message)


def test_arabic_right_to_left_is_the_default_even_when_the_browser_asks_for_french(client, cast):
    client.force_login(cast.director_a1)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert html_tag(response) == '<html lang="ar" dir="rtl">'
    assert (
        'id="language-ar" class="language-switch__button" aria-current="true" disabled'
        in response.content.decode()
    )


def test_the_language_switch_turns_the_page_french_left_to_right_on_the_same_page(client, cast):
    client.force_login(cast.director_a1)
    response = client.post(
        "/i18n/setlang/", {"language": "fr", "next": "/establishments/?area=urban"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/establishments/?area=urban"
    page = client.get("/establishments/")
    content = page.content.decode()
    assert html_tag(page) == '<html lang="fr" dir="ltr">'
    assert f"<h1>{in_french('Establishments')}</h1>" in content
    assert (
        'id="language-fr" class="language-switch__button" aria-current="true" disabled' in content
    )
    assert 'name="language" value="ar" lang="ar"' in content


def test_switching_back_to_arabic_turns_the_page_right_to_left(client, cast):
    client.force_login(cast.director_a1)
    french(client)
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    assert html_tag(client.get("/")) == '<html lang="ar" dir="rtl">'


def test_every_page_offers_the_language_switch_back_to_the_current_page(client, cast):
    client.force_login(cast.director_a1)
    content = client.get("/establishments/?q=Moulay").content.decode()
    assert 'action="/i18n/setlang/" method="post"' in content
    assert '<input type="hidden" name="next" value="/establishments/?q=Moulay">' in content
    assert 'id="language-fr"' in content
    assert 'id="language-ar"' in content


def test_the_login_page_is_arabic_for_anonymous_visitors(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert html_tag(response) == '<html lang="ar" dir="rtl">'
    assert 'id="language-fr"' in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page(client, cast):
    for url in ("/", "/establishments/", "/establishments/11565V/", "/accounts/password/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("member", sorted(HOME_SCHOOLS))
def test_each_home_page_shows_its_scope_and_nothing_else(client, cast, member):
    client.force_login(getattr(cast, member))
    french(client)
    response = client.get("/")
    assert response.status_code == 200
    main = main_of(response)
    linked = {code for code in CAST_SCHOOL_NAMES_FR if f"/establishments/{code}/" in main}
    named = {code for code, name in CAST_SCHOOL_NAMES_FR.items() if name in main}
    assert linked == HOME_SCHOOLS[member]
    assert named == HOME_SCHOOLS[member]
    shown, hidden = HOME_DIRECTORATES.get(member, (set(), set()))
    directorate_links = set(re.findall(r'\?directorate=\d{4}">([^<]+)</a>', main))
    assert shown <= directorate_links
    assert not hidden & directorate_links
    if member.startswith(("director_", "staff", "teacher", "parent", "student")):
        assert 'id="home-establishments"' in main
        assert 'id="home-directorates"' not in main
        assert 'id="home-academies"' not in main


def test_the_national_home_lists_every_academy_with_its_counts(client, cast):
    client.force_login(cast.national_admin)
    french(client)
    main = main_of(client.get("/"))
    rows = re.findall(
        r'\?academy=(\d{2})">[^<]+</a></td>\s*<td class="number">(\d+)</td>\s*'
        r'<td class="number">(\d+)</td>',
        main,
    )
    assert [code for code, _d, _e in rows] == list(
        Academy.objects.order_by("code").values_list("code", flat=True)
    )
    counts = {code: (int(d), int(e)) for code, d, e in rows}
    assert counts["04"][1] == 3
    assert counts["02"][1] == 2
    assert counts["04"][0] == cast.academy_a.directorates.count()
    assert 'id="home-directorates"' not in main


def test_the_academy_home_counts_establishments_per_directorate(client, cast):
    client.force_login(cast.academy_officer_a)
    french(client)
    content = client.get("/").content.decode()
    rabat_row = re.search(r"directorate=0401\">Rabat</a></td>(.*?)</tr>", content, re.S).group(1)
    numbers = re.findall(r'<td class="number">(\d+)</td>', rabat_row)
    assert numbers == ["2", "1", "1", "0"]  # total, public, private, rural
    assert 'id="home-academies"' not in content
    assert 'id="home-directorate-establishments"' not in content


def test_the_directorate_home_counts_and_lists_its_establishments(client, cast):
    client.force_login(cast.directorate_officer_b1)
    french(client)
    content = client.get("/").content.decode()
    row = re.search(r"directorate=0201\">[^<]+</a></td>(.*?)</tr>", content, re.S).group(1)
    assert re.findall(r'<td class="number">(\d+)</td>', row) == ["2", "2", "0", "2"]
    assert 'id="home-directorate-establishments"' in content


def test_a_user_without_a_role_is_told_so_and_sees_no_establishment(client, cast):
    client.force_login(cast.outsider)
    french(client)
    content = client.get("/").content.decode()
    assert 'id="no-role"' in content
    assert in_french("No role is assigned to you") in content
    assert "/establishments/" not in main_of(client.get("/"))
    assert 'id="nav-establishments"' not in content


def test_navigation_follows_the_role(client, cast):
    client.force_login(cast.director_a1)
    content = client.get("/").content.decode()
    assert 'id="nav-home"' in content
    assert 'id="nav-establishments"' in content
    assert 'id="nav-password"' in content
    assert 'id="nav-admin"' not in content


def test_the_administration_link_is_offered_only_where_the_admin_site_lets_in(client, cast):
    client.force_login(cast.national_admin)
    assert not cast.national_admin.is_staff  # the national role is what opens the admin
    assert 'id="nav-admin"' in client.get("/").content.decode()
    cast.director_a1.is_staff = True
    cast.director_a1.save(update_fields=["is_staff"])
    client.force_login(cast.director_a1)
    assert 'id="nav-admin"' not in client.get("/").content.decode()


def test_the_current_page_is_marked_in_the_navigation(client, cast):
    client.force_login(cast.director_a1)
    content = client.get("/establishments/").content.decode()
    assert '<a href="/establishments/" id="nav-establishments" aria-current="page">' in content
    assert '<a href="/" id="nav-home">' in content


@pytest.mark.parametrize("member", sorted(HOME_SCHOOLS))
def test_home_page_queries_do_not_grow_with_the_number_of_establishments(
    client, cast, member, django_assert_max_num_queries
):
    client.force_login(getattr(cast, member))
    client.get("/")
    for commune in (cast.school_a1.commune, cast.school_b1.commune):
        for _ in range(15):
            EstablishmentFactory(commune=commune, cycles=[CycleCode.PRIMARY, CycleCode.PRESCHOOL])
    with django_assert_max_num_queries(10):
        response = client.get("/")
    assert response.status_code == 200


def test_pages_load_no_asset_from_another_host(client, cast):
    client.force_login(cast.director_a1)
    pages = [
        client.get("/"),
        client.get("/establishments/"),
        client.get("/establishments/11565V/"),
        client.get("/accounts/password/"),
        client.get("/no-such-page/"),
    ]
    client.logout()
    pages.append(client.get("/accounts/login/"))
    for page in pages:
        content = page.content.decode()
        tags = re.findall(r"<(?:script|link)\b[^>]*>", content)
        assets = [re.search(r'(?:src|href)="([^"]+)"', tag).group(1) for tag in tags]
        assert assets
        assert all(asset.startswith("/static/") for asset in assets), assets
        assert "/static/htmx/htmx.min.js" in assets
        assert not re.search(r"https?://", " ".join(tags))


def test_pages_carry_no_inline_script_or_style(client, cast):
    client.force_login(cast.director_a1)
    for url in ("/", "/establishments/", "/establishments/11565V/", "/accounts/password/"):
        content = client.get(url).content.decode()
        assert "<style" not in content
        assert " style=" not in content
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", content) == []
        assert '"includeIndicatorStyles": false' in content  # htmx must not inject a <style>


def test_pages_send_a_strict_content_security_policy(client, cast):
    client.force_login(cast.director_a1)
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_htmx_requests_carry_the_csrf_token(client, cast):
    client.force_login(cast.director_a1)
    response = client.get("/")
    token = response.context["csrf_token"]
    assert f'<body hx-headers=\'{{"X-CSRFToken": "{token}"}}\'>' in response.content.decode()


def test_every_page_has_a_skip_link_to_the_main_content(client, cast):
    client.force_login(cast.director_a1)
    content = client.get("/").content.decode()
    assert '<a class="skip-link" href="#main">' in content
    assert '<main id="main"' in content


def test_the_404_page_is_the_shell_in_the_active_language(client, cast):
    client.force_login(cast.director_a1)
    french(client)
    response = client.get("/no-such-page/")
    content = response.content.decode()
    assert response.status_code == 404
    assert html_tag(response) == '<html lang="fr" dir="ltr">'
    assert 'id="not-found"' in content
    assert f"<h1>{in_french('Page not found')}</h1>" in content
    assert 'id="nav-home"' in content


def test_the_403_page_is_the_shell(cast):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.scope = NO_SCOPE
    with translation.override("ar"):
        response = permission_denied(request, PermissionDenied())
    content = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="ar" dir="rtl">' in content
    assert 'id="language-fr"' in content


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fr", "ltr")])
def test_the_500_page_renders_without_a_request_in_the_active_language(language, direction):
    with translation.override(language):
        content = render_to_string("500.html")
        title = translation.gettext("Something went wrong on our side")
    assert f'<html lang="{language}" dir="{direction}">' in content
    assert f"<h1>{title}</h1>" in content
    assert 'href="/static/massar/massar.css"' in content
