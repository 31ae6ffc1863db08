import pytest

from identity.domain.model import StaffMember, check_password_policy, normalize_email, staff_roles
from vitrine_shared.auth.principal import Role
from vitrine_shared.problems import Unprocessable


def test_emails_are_trimmed_and_lowercased() -> None:
    assert normalize_email("  Camille@Vitrine.Test ") == "camille@vitrine.test"


@pytest.mark.parametrize("bad", ["", "no-at-sign", "two@@signs.ca", "spaces in@x.ca", "a@b"])
def test_malformed_emails_are_refused_naming_the_field(bad: str) -> None:
    with pytest.raises(Unprocessable) as refused:
        normalize_email(bad)
    assert refused.value.extensions["errors"][0]["field"] == "email"


def test_only_staff_roles_are_accepted() -> None:
    assert staff_roles(["ops", "advisor", "ops"]) == [Role.ADVISOR, Role.OPS]
    with pytest.raises(Unprocessable, match="shopper"):
        staff_roles(["shopper"])
    with pytest.raises(Unprocessable, match="at least one role"):
        staff_roles([])


def test_short_passwords_are_refused() -> None:
    with pytest.raises(Unprocessable, match="12 characters"):
        check_password_policy("short")
    check_password_policy("long enough password")


def test_a_staff_member_becomes_a_principal_with_their_roles() -> None:
    member = StaffMember(email="o@v.ca", display_name="Olivia", password_hash="x", roles=["ops"])
    principal = member.principal()
    assert principal.subject == str(member.id)
    assert principal.roles == frozenset({Role.OPS})
    assert principal.is_staff
