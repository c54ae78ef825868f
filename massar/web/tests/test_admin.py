"""The national administration (admin site): national administrators only, edits kept in history."""

from decimal import Decimal

import pytest

from massar.curriculum.models import AssessmentRule, ExamRule, SubjectAllocation

pytestmark = pytest.mark.django_db

OTHERS = [
    "academy_officer_a",
    "directorate_officer_a1",
    "director_a1",
    "director_b1",
    "staff_a1",
    "teacher_a1",
    "parent_a1",
    "student_a1",
    "outsider",
]


def rule_form(rule: AssessmentRule, **changes) -> dict:
    data = {
        "school_year": rule.school_year_id,
        "level": rule.level_id,
        "scale": rule.scale,
        "tests_per_semester": rule.tests_per_semester,
        "max_tests_per_semester": rule.max_tests_per_semester,
        "activities_weight": rule.activities_weight,
        "decimals": rule.decimals,
        "rounding": rule.rounding,
        "pass_threshold": rule.pass_threshold,
        "max_repetitions_in_cycle": rule.max_repetitions_in_cycle,
        "absence_policy": rule.absence_policy,
        "max_tests_per_day": rule.max_tests_per_day,
        "max_tests_per_week": rule.max_tests_per_week,
    }
    data.update(changes)
    return data


def test_a_national_administrator_edits_a_rule_and_the_change_is_in_the_history(client, cast):
    client.force_login(cast.national_admin)
    rule = AssessmentRule.objects.get(level__code="3AC")
    url = f"/admin/curriculum/assessmentrule/{rule.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, rule_form(rule, tests_per_semester=3))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.tests_per_semester == 3
    latest = rule.history.latest()
    assert latest.history_user == cast.national_admin
    assert latest.tests_per_semester == 3
    assert client.get(f"{url.removesuffix('change/')}history/").status_code == 200


def test_an_invalid_rule_is_refused_with_its_message_and_nothing_is_saved(client, cast):
    client.force_login(cast.national_admin)
    rule = AssessmentRule.objects.get(level__code="3AC")
    url = f"/admin/curriculum/assessmentrule/{rule.pk}/change/"
    response = client.post(url, rule_form(rule, tests_per_semester=5))
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    rule.refresh_from_db()
    assert rule.tests_per_semester == 2


def test_exam_weights_that_do_not_add_up_are_refused_in_the_admin(client, cast):
    client.force_login(cast.national_admin)
    client.cookies["massar_language"] = "fr"
    rule = ExamRule.objects.get()
    data = {
        field.name: getattr(rule, field.attname)
        for field in ExamRule._meta.concrete_fields
        if field.name != "id"
    }
    data["bac_national_weight"] = Decimal("0.60")
    response = client.post(f"/admin/curriculum/examrule/{rule.pk}/change/", data)
    assert response.status_code == 200
    assert "Les trois poids du bac doivent totaliser 1." in response.content.decode()
    rule.refresh_from_db()
    assert rule.bac_national_weight == Decimal("0.50")


@pytest.mark.parametrize("member", OTHERS)
def test_nobody_else_gets_into_the_administration(client, cast, member):
    client.force_login(getattr(cast, member))
    rule = AssessmentRule.objects.get(level__code="2BAC")
    for url in ("/admin/", f"/admin/curriculum/assessmentrule/{rule.pk}/change/"):
        response = client.get(url, follow=True)
        assert response.status_code == 404, url
    response = client.post(
        f"/admin/curriculum/assessmentrule/{rule.pk}/change/", rule_form(rule, scale=10)
    )
    assert response.status_code in (302, 404)
    rule.refresh_from_db()
    assert rule.scale == 20


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=/admin/")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/curriculum/subjectallocation/",
        "/admin/curriculum/assessmentrule/",
        "/admin/territory/establishment/",
        "/admin/territory/directorate/",
        "/admin/accounts/user/",
        "/admin/accounts/apitoken/",
    ],
)
def test_admin_pages_render_with_bounded_queries(client, cast, url, django_assert_max_num_queries):
    client.force_login(cast.national_admin)
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200


def test_the_hours_and_coefficients_list_is_editable_in_place(client, cast):
    client.force_login(cast.national_admin)
    stream = SubjectAllocation.objects.filter(stream__code="2BAC-PC").first().stream
    content = client.get(
        f"/admin/curriculum/subjectallocation/?stream__id__exact={stream.pk}"
    ).content
    assert b'name="form-0-coefficient"' in content
    assert SubjectAllocation.objects.filter(stream__code="2BAC-PC").count() == 6
