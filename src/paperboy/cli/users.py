"""``paperboy users …``: accounts an operator creates or promotes from the shell."""

from __future__ import annotations

from typing import Annotated

import typer

from paperboy.cli.engine import open_engine

users_app = typer.Typer(
    help="Create accounts and grant moderator or administrator rights.", no_args_is_help=True
)


@users_app.command("create")
def create(
    username: Annotated[str, typer.Argument(help="Login and display name.")],
    email: Annotated[str, typer.Argument(help="Email address (counts as verified).")],
    admin: Annotated[
        bool, typer.Option("--admin", help="Make the account an administrator and moderator.")
    ] = False,
    password: Annotated[
        str | None,
        typer.Option(help="Password; asked for (hidden) when omitted.", envvar="PAPERBOY_NEW_USER_PASSWORD"),
    ] = None,
) -> None:
    """Create a verified account, optionally an administrator."""
    from paperboy.auth.service import create_user

    secret = password or typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    user_id = create_user(open_engine(), username, email, secret, admin)
    typer.echo(f"created {'administrator' if admin else 'user'} {username} (id {user_id})")


@users_app.command("role")
def role(
    username: Annotated[str, typer.Argument(help="An existing local account.")],
    moderator: Annotated[
        bool | None, typer.Option("--moderator/--no-moderator", help="Grant or revoke moderation.")
    ] = None,
    admin: Annotated[
        bool | None, typer.Option("--admin/--no-admin", help="Grant or revoke administration.")
    ] = None,
) -> None:
    """Grant or revoke moderator and administrator rights."""
    from paperboy.errors import NotFound
    from paperboy.store import accounts

    with open_engine().begin() as conn:
        user = accounts.by_username(conn, username)
        if user is None or user.origin != "local":
            raise NotFound(f"no local account named {username!r}")
        accounts.set_roles(conn, user.id, admin=admin, moderator=moderator)
    typer.echo(f"{username}: roles updated")


@users_app.command("token")
def token(
    username: Annotated[str, typer.Argument(help="An existing account.")],
    name: Annotated[
        str, typer.Option("--name", help="What the token is for; shown on the user's settings page.")
    ] = "command line",
) -> None:
    """Print a new personal API token for USERNAME (only the token, so scripts can capture it).

    The token acts as that user (``Authorization: Bearer …``); it is stored hashed and shown only now. The
    user sees it on /settings under its name and can delete it there.
    """
    from paperboy.auth.secrets_util import digest, new_token
    from paperboy.errors import BadRequest, NotFound
    from paperboy.http.session import TOKEN_PREFIX
    from paperboy.store import accounts, sessions

    label = " ".join(name.split())
    if not label or len(label) > 100:
        raise BadRequest("--name must be 1 to 100 characters")
    secret = new_token(TOKEN_PREFIX)
    with open_engine().begin() as conn:
        user = accounts.by_username(conn, username)
        if user is None:
            raise NotFound(f"no account named {username!r}")
        if user.disabled:
            raise BadRequest(f"{username} is disabled; tokens of disabled accounts do not work")
        sessions.create_api_token(conn, user.id, label, digest(secret))
    typer.echo(secret)
