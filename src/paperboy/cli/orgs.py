"""``paperboy orgs …``: organizations and their other names, as moderators edit them on the web.

NAME anywhere below is any name of an organization: a Hugging Face handle (exact), a full or display name,
or an alias, in any case and punctuation ("google deepmind" finds GoogleDeepMind).
"""

from __future__ import annotations

from typing import Annotated

import typer

from paperboy.cli.engine import open_engine

orgs_app = typer.Typer(
    help="List organizations and edit what they are called: aliases, merges, splits, display names.",
    no_args_is_help=True,
)

Name = Annotated[str, typer.Argument(help="Any name of the organization (handle, full name or alias).")]


@orgs_app.command("list")
def list_orgs(
    search: Annotated[str, typer.Option("--search", "-s", help="Only names containing this.")] = "",
    by_name: Annotated[bool, typer.Option("--by-name", help="A to Z instead of most papers first.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="How many to print.")] = 50,
) -> None:
    """Organizations with papers: papers, main handle, display name, and how many handles it gathers."""
    from paperboy.store.organization_directory import count_directory, directory

    with open_engine().connect() as conn:
        listed = directory(conn, search, "name" if by_name else "papers", limit=limit)
        total = count_directory(conn, search)
    for entry in listed:
        org = entry.organization
        extra = f"  ({entry.handles} handles)" if entry.handles > 1 else ""
        typer.echo(f"{entry.papers:>7}  {org.name:<32} {org.fullname}{extra}")
    typer.echo(f"{total} organization(s){' matching ' + repr(search) if search else ''}; {len(listed)} shown")


@orgs_app.command("show")
def show(name: Name) -> None:
    """An organization's handles (with papers) and every alias."""
    from paperboy.store.organization_edits import find
    from paperboy.store.organizations import group

    with open_engine().connect() as conn:
        found = group(conn, find(conn, name).id)
    typer.echo(f"{found.organization.fullname}  /organizations/{found.organization.name}")
    if found.display_name:
        typer.echo(f"display name set by hand: {found.display_name}")
    for m in found.members:
        typer.echo(f"  handle {m.name:<32} {m.papers:>6} papers{'  (main)' if m.canonical else ''}")
    for a in found.aliases:
        typer.echo(f"  alias  {a.name:<32} {'curated' if a.curated else 'automatic'}")


def _edit(action, *args: str) -> str:  # type: ignore[no-untyped-def]
    with open_engine().begin() as conn:
        return action(conn, *args)


@orgs_app.command("alias")
def alias(name: Name, aliases: Annotated[list[str], typer.Argument(help="Other names to add.")]) -> None:
    """Add other names of an organization: follows and addresses with them then find it."""
    from paperboy.store.organization_edits import add_alias

    for other in aliases:
        typer.echo(f"{other!r} now names {_edit(add_alias, name, other)}")


@orgs_app.command("unalias")
def unalias(aliases: Annotated[list[str], typer.Argument(help="Names to forget.")]) -> None:
    """Forget names added by hand (a handle's own spelling stays: split the handle instead)."""
    from paperboy.store.organization_edits import remove_alias

    for other in aliases:
        typer.echo(f"{other!r} no longer names {_edit(remove_alias, other)}")


@orgs_app.command("merge")
def merge(
    source: Annotated[str, typer.Argument(help="The organization that is part of another.")],
    into: Annotated[str, typer.Argument(help="The organization it belongs to (or one of its own handles).")],
) -> None:
    """Merge SOURCE into INTO: all of SOURCE's handles and aliases then lead to INTO.

    Naming one of SOURCE's own handles as INTO makes that handle the main one (the address) instead.
    """
    from paperboy.store.organization_edits import merge as merge_orgs

    main = _edit(merge_orgs, source, into)
    typer.echo(f"{source} and {into} are one organization now, at /organizations/{main}")


@orgs_app.command("split")
def split(handle: Annotated[str, typer.Argument(help="A handle, exactly as stored.")]) -> None:
    """Take a handle out of its organization; it becomes an organization of its own again."""
    from paperboy.store.organization_edits import split as split_handle

    typer.echo(f"{_edit(split_handle, handle)} is an organization of its own again")


@orgs_app.command("rename")
def rename(
    name: Name,
    display: Annotated[str, typer.Argument(help="The name pages show; '' goes back to Hugging Face's.")],
) -> None:
    """Set the name pages show for an organization (it also becomes an alias)."""
    from paperboy.store.organization_edits import rename as rename_org

    handle = _edit(rename_org, name, display)
    typer.echo(f"{handle}: display name {'set to ' + repr(display) if display.strip() else 'cleared'}")
