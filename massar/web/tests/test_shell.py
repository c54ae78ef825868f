"""The bilingual shell: language and direction, navigation and home page per role."""

import re

import pytest

from massar.core.choices import CycleCode
from massar.territory.tests.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db

CAST_SCHOOL_NAMES_FR = {
    "11565V": "Lycée Moulay Youssef",
    "11570P": "École Les Orangers",
    "12001C": "Collège Ibn Khaldoun",
    "21010B": "École Al Massira",
    "21011S": "Satellite Douar Ouled Ali",
}


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def french(client):
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})


def test_arabic_right_to_left_is_the_default_even_when_the_browser_asks_for_french(client, cast):
    client.force_login(cast.director_a1)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert html_tag(response) == '<html lang="ar" dir="rtl">'


def test_the_language_switch_turns_the_page_french_left_to_right(client, cast):
    client.force_login(cast.director_a1)
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/establishments/"})
    assert response.status_code == 302
    assert response["Location"] == "/establishments/"
    page = client.get("/establishments/")
    assert html_tag(page) == '<html lang="fr" dir="ltr">'
    assert "Établissements" in page.content.decode()


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


@pytest.mark.parametrize(
    ("member", "visible", "hidden_section"),
    [
        ("national_admin", {"Rabat-Salé-Kénitra", "Souss-Massa", "Dakhla-Oued Ed-Dahab"}, None),
        ("academy_officer_a", {"Rabat", "Salé", "Kénitra"}, "home-academies"),
        ("academy_officer_b", {"Oujda-Angad", "Berkane"}, "home-academies"),
        ("directorate_officer_a1", {"Rabat", "Lycée Moulay Youssef", "École Les Orangers"}, None),
        ("director_a1", {"Lycée Moulay Youssef"}, "home-directorates"),
        ("director_b1", {"École Al Massira"}, "home-directorates"),
        ("teacher_a1", {"Lycée Moulay Youssef"}, "home-directorates"),
        ("parent_a1", {"Lycée Moulay Youssef"}, "home-directorates"),
        ("student_a1", {"Lycée Moulay Youssef"}, "home-directorates"),
    ],
)
def test_each_home_page_shows_its_scope_and_nothing_else(
    client, cast, member, visible, hidden_section
):
    user = getattr(cast, member)
    client.force_login(user)
    french(client)
    content = client.get("/").content.decode()
    for text in visible:
        assert text in content, text
    if hidden_section:
        assert f'id="{hidden_section}"' not in content
    seen = {code for code in CAST_SCHOOL_NAMES_FR if f"/establishments/{code}/" in content}
    expected_schools = {
        "national_admin": set(),
        "academy_officer_a": set(),
        "academy_officer_b": set(),
        "directorate_officer_a1": {"11565V", "11570P"},
        "director_a1": {"11565V"},
        "director_b1": {"21010B", "21011S"},  # a central school runs its satellites
        "teacher_a1": {"11565V"},
        "parent_a1": {"11565V"},
        "student_a1": {"11565V"},
    }[member]
    assert seen == expected_schools


def test_the_academy_home_counts_establishments_per_directorate(client, cast):
    client.force_login(cast.academy_officer_a)
    french(client)
    content = client.get("/").content.decode()
    rabat_row = re.search(r"directorate=0401\">Rabat</a></td>(.*?)</tr>", content, re.S).group(1)
    numbers = re.findall(r'<td class="number">(\d+)</td>', rabat_row)
    assert numbers == ["2", "1", "1", "0"]  # total, public, private, rural


def test_a_user_without_a_role_is_told_so_and_sees_no_establishment(client, cast):
    client.force_login(cast.outsider)
    french(client)
    content = client.get("/").content.decode()
    assert 'id="no-role"' in content
    assert "/establishments/" not in content.split("<main", 1)[1]
    assert 'id="nav-establishments"' not in content


def test_navigation_follows_the_role(client, cast):
    client.force_login(cast.national_admin)
    assert 'id="nav-admin"' in client.get("/").content.decode()
    client.force_login(cast.director_a1)
    content = client.get("/").content.decode()
    assert 'id="nav-admin"' not in content
    assert 'id="nav-establishments"' in content


@pytest.mark.parametrize(
    "member", ["national_admin", "academy_officer_a", "directorate_officer_a1", "director_a1"]
)
def test_home_page_queries_do_not_grow_with_the_number_of_establishments(
    client, cast, member, django_assert_max_num_queries
):
    user = getattr(cast, member)
    client.force_login(user)
    client.get("/")
    for _ in range(30):
        EstablishmentFactory(
            commune=cast.school_a1.commune, cycles=[CycleCode.PRIMARY, CycleCode.PRESCHOOL]
        )
    with django_assert_max_num_queries(10):
        response = client.get("/")
    assert response.status_code == 200


def test_pages_load_no_asset_from_another_host(client, cast):
    client.force_login(cast.director_a1)
    pages = [client.get("/"), client.get("/establishments/")]
    client.logout()
    pages.append(client.get("/accounts/login/"))
    for page in pages:
        content = page.content.decode()
        assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', content)
        assert assets
        assert all(asset.startswith("/static/") for asset in assets), assets


def test_pages_send_a_strict_content_security_policy(client, cast):
    client.force_login(cast.director_a1)
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_the_404_page_is_the_shell_in_the_active_language(client, cast):
    client.force_login(cast.director_a1)
    french(client)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
