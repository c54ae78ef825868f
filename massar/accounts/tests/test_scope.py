"""The scoping rules, checked for every member of the cast."""

import pytest

from massar.accounts.models import RoleAssignment
from massar.accounts.scope import scope_for
from massar.territory.models import Establishment

pytestmark = pytest.mark.django_db

ALL_SCHOOLS = {"11565V", "11570P", "12001C", "21010B", "21011S"}


def visible_codes(user) -> set[str]:
    scope = scope_for(user)
    return set(
        scope.filter_establishments(Establishment.objects.all()).values_list("code", flat=True)
    )


@pytest.mark.parametrize(
    ("member", "expected"),
    [
        ("national_admin", ALL_SCHOOLS),
        ("academy_officer_a", {"11565V", "11570P", "12001C"}),
        ("academy_officer_b", {"21010B", "21011S"}),
        ("directorate_officer_a1", {"11565V", "11570P"}),
        ("directorate_officer_b1", {"21010B", "21011S"}),
        ("director_a1", {"11565V"}),
        ("director_a2", {"12001C"}),
        ("director_b1", {"21010B", "21011S"}),
        ("staff_a1", {"11565V"}),
        ("teacher_a1", {"11565V"}),
        ("parent_a1", {"11565V"}),
        ("student_a1", {"11565V"}),
        ("outsider", set()),
    ],
)
def test_each_member_of_the_cast_sees_exactly_their_establishments(cast, member, expected):
    assert visible_codes(getattr(cast, member)) == expected


def test_anonymous_and_inactive_users_see_nothing(cast):
    from django.contrib.auth.models import AnonymousUser

    assert visible_codes(AnonymousUser()) == set()
    cast.director_a1.is_active = False
    assert visible_codes(cast.director_a1) == set()


def test_an_ended_assignment_no_longer_gives_a_scope(cast):
    import datetime

    from django.utils import timezone

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    RoleAssignment.objects.filter(user=cast.director_a1).update(
        starts_on=yesterday - datetime.timedelta(days=30), ends_on=yesterday
    )
    cast.director_a1.refresh_from_db()
    assert visible_codes(cast.director_a1) == set()


def test_a_future_assignment_does_not_give_a_scope_yet(cast):
    import datetime

    from django.utils import timezone

    RoleAssignment.objects.filter(user=cast.director_a1).update(
        starts_on=timezone.localdate() + datetime.timedelta(days=1)
    )
    cast.director_a1.refresh_from_db()
    assert visible_codes(cast.director_a1) == set()


def test_the_scope_is_computed_once_per_user_object(cast, django_assert_num_queries):
    user = cast.directorate_officer_a1
    user.refresh_from_db()
    with django_assert_num_queries(1):
        scope_for(user)
        scope_for(user)
