"""Organizations under many names, on SQLite and PostgreSQL: how imports place handles, what migration 0010
makes of handles already stored, what moderators change, and the /organizations index's counts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperboy.errors import BadRequest, NotFound
from paperboy.models import Organization, Paper
from paperboy.store import organization_edits as edits
from paperboy.store import papers_write
from paperboy.store.authors import count_organization_papers, organizations_starting
from paperboy.store.engine import create_engine
from paperboy.store.migrate import upgrade
from paperboy.store.organization_directory import count_directory, directory
from paperboy.store.organizations import alias_keys, group, resolve
from paperboy.store.papers import get_paper
from paperboy.store.schema import papers
from tests.store.legacy import legacy_handles

_serial = iter(range(1, 100_000))


def org_papers(engine: Engine, *orgs: tuple[str, str | None], count: int = 1) -> None:
    """``count`` papers for each (handle, full name), imported one handle after another as days would be."""
    for handle, fullname in orgs:
        batch = [
            Paper(
                arxiv_id=f"2601.{next(_serial):05d}",
                title=f"A paper from {handle}",
                organization=Organization(handle, fullname, f"https://example.org/{handle}.png"),
                submitted_at=datetime(2026, 1, 2, tzinfo=UTC),
            )
            for _ in range(count)
        ]
        with engine.begin() as conn:
            papers_write.upsert_papers(conn, batch)


def main_handle(engine: Engine, name: str) -> str | None:
    with engine.connect() as conn:
        found = resolve(conn, name)
    return found.name if found else None


def test_new_handles_join_by_their_key_or_full_name(engine: Engine) -> None:
    org_papers(
        engine,
        ("zju", "Zhejiang University"),
        ("ZhejiangUniversity", "Zhejiang University"),  # same full name
        ("ZJU", None),  # same key as a handle
        ("deepmind", "Deepmind"),  # a curated alias of Google DeepMind (the seed)
        ("google-deepmind", None),  # the seed's handle, spelt with a dash
        ("lab-a", "Lab B"),  # a mislabelled handle: its full name is another lab's handle
        ("lab-b", "Lab B Research"),  # joins lab-a by key ("labb")…
        ("lab-c", "Lab B Research"),  # …but its full name does not pull a third lab in
    )
    assert {main_handle(engine, n) for n in ("zju", "ZhejiangUniversity", "ZJU", "zhejiang university")} == {
        "zju"
    }
    assert {main_handle(engine, n) for n in ("deepmind", "google-deepmind", "Google DeepMind")} == {
        "GoogleDeepMind"
    }
    assert main_handle(engine, "lab-b") == "lab-a"
    assert main_handle(engine, "lab-c") == "lab-c"
    assert main_handle(engine, "no such lab") is None
    with engine.connect() as conn:
        dm = group(conn, resolve(conn, "deepmind").id)  # type: ignore[union-attr]
        assert dm.organization.fullname == "Google DeepMind"
        assert sorted(m.name for m in dm.members) == ["GoogleDeepMind", "deepmind", "google-deepmind"]
        assert count_organization_papers(conn, dm.id) == 2
        # A paper shows the canonical organization and keeps the handle Hugging Face gave it.
        view = get_paper(
            conn, conn.execute(sa.select(papers.c.arxiv_id).where(papers.c.title.like("%deepmind"))).scalar()
        )
        assert view.paper.organization.name == "GoogleDeepMind"
        assert view.paper.organization.fullname == "Google DeepMind"
        assert view.paper.organization.source.name == "deepmind"
        assert view.paper.organization.source.fullname == "Deepmind"


def test_display_names_are_tidied_but_not_second_guessed(engine: Engine) -> None:
    org_papers(
        engine,
        ("ustc", "university of science and technology  of china"),
        ("nvidia", "NVIDIA"),
        ("kaist-ai", None),
        ("inlp", "iNLP Lab"),
        ("mistralai", "Mistral AI_"),
    )
    with engine.connect() as conn:
        shown = {
            n: group(conn, resolve(conn, n).id).organization.fullname
            for n in ("ustc", "nvidia", "kaist-ai", "inlp", "mistralai")
        }  # type: ignore[union-attr]
    assert shown == {
        "ustc": "University of Science and Technology of China",
        "nvidia": "NVIDIA",
        "kaist-ai": "Kaist Ai",
        "inlp": "iNLP Lab",
        "mistralai": "Mistral AI",
    }


def test_a_clearly_busier_handle_becomes_the_address(engine: Engine) -> None:
    org_papers(engine, ("someone123", "Nankai University"))
    org_papers(engine, ("NankaiUniversity", "Nankai University"), count=2)
    assert main_handle(engine, "nankai university") == "someone123"  # not yet twice and three more
    org_papers(engine, ("NankaiUniversity", "Nankai University"), count=3)
    assert main_handle(engine, "someone123") == "NankaiUniversity"
    # A moderator's (or the seed's) choice stands whatever the counts.
    org_papers(engine, ("GoogleDeepMind", None))
    org_papers(engine, ("deepmind", "Deepmind"), count=6)
    assert main_handle(engine, "deepmind") == "GoogleDeepMind"


def test_moderators_merge_promote_split_rename_and_alias(engine: Engine) -> None:
    org_papers(
        engine, ("tencent", "Tencent"), ("Tencent-Hunyuan-Multimodal-RL", None), ("TencentARC", "ARC Lab")
    )
    with engine.begin() as conn:
        assert edits.merge(conn, "Tencent-Hunyuan-Multimodal-RL", "Tencent") == "tencent"
        assert edits.merge(conn, "arc lab", "tencent") == "tencent"
    assert main_handle(engine, "TencentARC") == main_handle(engine, "ARC Lab") == "tencent"
    with engine.connect() as conn:
        assert count_organization_papers(conn, resolve(conn, "tencent").id) == 3  # type: ignore[union-attr]
    with engine.begin() as conn:  # undone: ARC Lab is its own organization again, under both its names
        assert edits.split(conn, "TencentARC") == "TencentARC"
    assert main_handle(engine, "TencentARC") == main_handle(engine, "ARC Lab") == "TencentARC"
    assert main_handle(engine, "Tencent-Hunyuan-Multimodal-RL") == "tencent"
    with engine.begin() as conn:  # a handle of its own organization becomes the main one
        assert (
            edits.merge(conn, "tencent", "Tencent-Hunyuan-Multimodal-RL") == "Tencent-Hunyuan-Multimodal-RL"
        )
    with engine.connect() as conn:
        tencent = group(conn, resolve(conn, "tencent").id)  # type: ignore[union-attr]
    assert tencent.organization.name == "Tencent-Hunyuan-Multimodal-RL"
    assert tencent.organization.fullname == "Tencent"  # the seed's display name came along
    with engine.begin() as conn:
        edits.rename(conn, "tencent", "Tencent Holdings")
        edits.add_alias(conn, "tencent", "腾讯")
    assert (
        main_handle(engine, "tencent holdings")
        == main_handle(engine, "腾讯")
        == "Tencent-Hunyuan-Multimodal-RL"
    )
    with engine.begin() as conn:
        edits.remove_alias(conn, "腾讯")
        edits.rename(conn, "tencent", "")
    assert main_handle(engine, "腾讯") is None
    with engine.connect() as conn:
        back = group(conn, resolve(conn, "tencent").id).organization  # type: ignore[union-attr]
    assert back.fullname == "Tencent Hunyuan Multimodal RL"  # no full name: the handle, spaced


@pytest.mark.parametrize(
    ("edit", "args", "error"),
    [
        (edits.merge, ("tencent", "tencent"), BadRequest),  # already one organization
        (edits.merge, ("no such lab", "tencent"), NotFound),
        (edits.split, ("tencent",), BadRequest),  # the main handle: make another the main one first
        (edits.split, ("nowhere",), NotFound),
        (edits.add_alias, ("tencent", "nvidia"), BadRequest),  # already another organization's name
        (edits.add_alias, ("tencent", "--"), BadRequest),  # no letter or digit
        (edits.remove_alias, ("tencent",), BadRequest),  # a handle's own spelling
        (edits.remove_alias, ("never added",), NotFound),
    ],
)
def test_edits_that_make_no_sense_are_refused(engine: Engine, edit, args, error) -> None:  # type: ignore[no-untyped-def]
    org_papers(engine, ("tencent", "Tencent"), ("nvidia", "NVIDIA"))
    with engine.begin() as conn, pytest.raises(error):
        edit(conn, *args)


def test_the_index_counts_every_handle_once_and_finds_any_name(engine: Engine) -> None:
    org_papers(engine, ("deepmind", "Deepmind"), count=3)
    org_papers(engine, ("GoogleDeepMind", "GoogleDeepMind"), count=2)
    org_papers(engine, ("nvidia", "NVIDIA"), count=4)
    org_papers(engine, ("allenai", "Ai2"), count=1)
    with engine.begin() as conn:  # a hidden paper is counted nowhere
        conn.execute(
            papers.update()
            .where(papers.c.title == "A paper from allenai")
            .values(hidden_at=datetime.now(UTC))
        )
    with engine.connect() as conn:
        listed = directory(conn)
        assert [(e.organization.fullname, e.papers, e.handles) for e in listed] == [
            ("Google DeepMind", 5, 2),
            ("NVIDIA", 4, 1),
        ]
        assert count_directory(conn) == 2
        assert [e.organization.name for e in directory(conn, order="name")] == ["GoogleDeepMind", "nvidia"]
        for text in ("deepmind", "DEEP", "google deepmind", "Google-DeepMind"):
            assert [e.organization.name for e in directory(conn, text)] == ["GoogleDeepMind"], text
        assert directory(conn, "nothing like it") == [] and count_directory(conn, "nothing like it") == 0
        assert directory(conn, "100%_") == []  # LIKE wildcards are text
        assert [e.organization.name for e in directory(conn, limit=1, offset=1)] == ["nvidia"]
        # Suggestions name each organization once, under its address.
        assert organizations_starting(conn, "deep", 5) == [("GoogleDeepMind", "Google DeepMind")]
        # Followed names reach the main handle's key, whatever the spelling.
        keys = alias_keys(conn)
        assert keys["deepmind"] == keys["googledeepmind"] == "googledeepmind"


def test_migration_0010_groups_handles_already_stored(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Handles imported before 0010 are grouped by the same rules, the handle with most papers leading."""
    engine = create_engine(db_url)
    upgrade(engine, "0008")
    monkeypatch.setattr(papers_write, "upsert_handles", legacy_handles)
    monkeypatch.setattr(papers_write, "promote_busiest", lambda conn, ids: None)
    org_papers(engine, ("THU1911", "Tsinghua University"))
    org_papers(engine, ("Tsinghua", "Tsinghua University"), count=3)
    org_papers(engine, ("deepmind", "Deepmind"), count=2)
    org_papers(engine, ("ByteDance-Seed", "ByteDance Seed"), ("ByteDance", "ByteDance"))
    org_papers(engine, ("ustc", "university of science and technology of china"))
    monkeypatch.undo()
    upgrade(engine)
    try:
        assert main_handle(engine, "THU1911") == "Tsinghua"  # most papers leads, whoever came first
        assert main_handle(engine, "deepmind") == "GoogleDeepMind"  # the seed made the handle it names
        assert main_handle(engine, "ByteDance-Seed") == "ByteDance"
        with engine.connect() as conn:
            assert [(e.organization.name, e.organization.fullname, e.papers) for e in directory(conn)] == [
                ("Tsinghua", "Tsinghua University", 4),
                ("ByteDance", "ByteDance", 2),
                ("GoogleDeepMind", "Google DeepMind", 2),
                ("ustc", "University of Science and Technology of China", 1),
            ]
        # Imports after the upgrade follow the same rules.
        org_papers(engine, ("tsinghua-uni", "Tsinghua University"), ("GoogleDeepMind", "Google DeepMind"))
        assert main_handle(engine, "tsinghua-uni") == "Tsinghua"
        with engine.connect() as conn:
            assert count_organization_papers(conn, resolve(conn, "deepmind").id) == 3  # type: ignore[union-attr]
    finally:
        engine.dispose()
