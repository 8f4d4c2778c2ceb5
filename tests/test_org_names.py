"""Organization names: which spellings are one organization, and how a name is shown."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperboy.org_names import display, key


@pytest.mark.parametrize(
    "spellings",
    [
        ("GoogleDeepMind", "google-deepmind", "Google DeepMind", "GOOGLE_DEEPMIND"),
        ("The University of Hong Kong", "University of Hong Kong", "university of hong kong"),
        ("ETH Zürich", "ETH Zurich", "ethzurich"),
        ("university of science and technology  of china", "University of Science and Technology of China"),
    ],
)
def test_spellings_of_one_name_share_a_key(spellings: tuple[str, ...]) -> None:
    assert len({key(s) for s in spellings}) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Google", "Google DeepMind"),
        ("ByteDance", "ByteDance Seed"),
        ("Theory Lab", "Ory Lab"),
        ("HKU", "HKUST"),
    ],
)
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert key(a) != key(b)


def test_names_without_letters_or_digits_match_nothing() -> None:
    assert key("") == key(None) == key(" -- ") == key("The ") == ""


@pytest.mark.parametrize(
    ("handle", "fullname", "chosen", "shown"),
    [
        (
            "ustc",
            "university of science and technology  of china",
            None,
            "University of Science and Technology of China",
        ),
        ("nvidia", "NVIDIA", None, "NVIDIA"),  # capitals are the owner's choice
        ("inlp", "iNLP Lab", None, "iNLP Lab"),
        ("mistralai", "Mistral AI_", None, "Mistral AI"),
        ("kaist-ai", None, None, "Kaist Ai"),  # no full name: the handle, spaced and title-cased
        (
            "GoogleDeepMind",
            "GoogleDeepMind",
            "Google DeepMind",
            "Google DeepMind",
        ),  # a moderator's choice wins
        ("x", "<img src=x onerror=alert(1)>", None, "<img src=x onerror=alert(1)>"),  # not words: as written
    ],
)
def test_display_names(handle: str, fullname: str | None, chosen: str | None, shown: str) -> None:
    assert display(handle, fullname, chosen) == shown


@given(st.text(max_size=60))
def test_a_key_is_its_own_key_and_ignores_case(text: str) -> None:
    assert key(key(text)) == key(text)
    assert key(text.upper()) == key(text.lower()) or "ß" in text.lower() or "ı" in text.lower()


@given(st.text(min_size=1, max_size=60))
def test_a_shown_name_is_the_name_in_another_case_at_most(text: str) -> None:
    shown = display("handle", text)
    tidy = " ".join(text.split()).strip(" _-·|")
    if tidy:
        assert shown.lower() == tidy.lower() or shown.casefold() == tidy.casefold()
