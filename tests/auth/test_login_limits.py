"""Sign-in limits: one counter per account whatever its spelling, good sign-ins never throttled, and an
attacker guessing at an account cannot lock its owner out (see ``auth.login_limits``)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from paperboy.auth import service
from paperboy.auth.login_limits import DEVICE_COOKIE
from tests.auth.conftest import log_in
from tests.sites import Site, make_site

PASSWORD = "correct horse battery"
WRONG = "wrong password!"


def _from(site: Site, address: str) -> TestClient:
    """A browser on its own client network."""
    return TestClient(site.app, client=(address, 40000))


def test_username_and_email_of_one_account_share_one_counter(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    site = make_site(engine, tmp_path, login_limit=3)
    service.create_user(site.engine, "erin", "erin@example.org", PASSWORD, admin=False)
    spellings = ["erin", "Erin@Example.org", " erin@example.org "]
    codes = [
        log_in(_from(site, f"192.0.2.{n}"), login=s, password=WRONG).status_code
        for n, s in enumerate(spellings)
    ]
    assert codes == [400, 400, 400]
    for n, spelling in enumerate(["erin", "erin@example.org", "ERIN@EXAMPLE.ORG"], start=10):
        blocked = log_in(_from(site, f"192.0.2.{n}"), login=spelling, password=PASSWORD)
        assert blocked.status_code == 429, spelling
        assert "Too many sign-in attempts" in blocked.text and int(blocked.headers["retry-after"]) > 0
    other = service.create_user(site.engine, "bob", "bob@example.org", PASSWORD, admin=False)
    assert other and log_in(_from(site, "192.0.2.50"), login="bob").status_code == 303, (
        "other accounts unaffected"
    )


def test_unknown_names_are_limited_like_known_ones(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    site = make_site(engine, tmp_path, login_limit=2)
    codes = [
        log_in(_from(site, f"198.51.100.{n}"), login="ghost", password=WRONG).status_code for n in range(3)
    ]
    assert codes == [400, 400, 429]


def test_good_sign_ins_from_one_network_are_never_throttled(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    site = make_site(engine, tmp_path, login_limit=10)
    for n in range(12):
        service.create_user(site.engine, f"user{n}", f"user{n}@example.org", PASSWORD, admin=False)
    office = "203.0.113.7"  # one NAT, twelve colleagues
    codes = [log_in(_from(site, office), login=f"user{n}").status_code for n in range(12)]
    assert codes == [303] * 12
    again = [log_in(_from(site, office), login="user0").status_code for _ in range(12)]
    assert again == [303] * 12
    guesses = [log_in(_from(site, office), login=f"user{n}", password=WRONG).status_code for n in range(11)]
    assert guesses == [400] * 10 + [429], "guessing from one network is still limited"


def test_an_attacker_cannot_lock_the_owner_out(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    site = make_site(engine, tmp_path, login_limit=3)
    service.create_user(site.engine, "ada", "ada@example.org", PASSWORD, admin=False)
    owner = _from(site, "192.0.2.1")
    assert log_in(owner).status_code == 303 and owner.cookies.get(DEVICE_COOKIE)
    for n in range(20):  # from many networks, so no per-network limit stops them
        log_in(_from(site, f"198.51.100.{n}"), password=WRONG)
    assert log_in(_from(site, "198.51.100.99")).status_code == 429, "a browser new to the account waits"
    assert log_in(owner).status_code == 303, "the owner's own browser still signs in"
    assert log_in(owner, login="ada@example.org").status_code == 303
    # A stolen device cookie gives no more guesses than the limit.
    thief = _from(site, "198.51.100.200")
    thief.cookies.set(DEVICE_COOKIE, owner.cookies.get(DEVICE_COOKIE))
    assert [log_in(thief, password=WRONG).status_code for _ in range(4)] == [400, 400, 400, 429]
    # The device cookie names its account: it does not exempt its holder on another one.
    service.create_user(site.engine, "bob", "bob@example.org", PASSWORD, admin=False)
    for n in range(3):
        log_in(_from(site, f"198.51.101.{n}"), login="bob", password=WRONG)
    assert log_in(owner, login="bob").status_code == 429
    forged = _from(site, "192.0.2.2")
    forged.cookies.set(DEVICE_COOKIE, "eyJ1IjoxLCJkIjoieCJ9.forged")
    assert log_in(forged).status_code == 429
