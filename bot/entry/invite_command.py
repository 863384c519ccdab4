"""`python -m bot invite --org NAME --role official|head|coordinator [--plan TITLE] [--uses N]
[--days D]`: make an invitation and print its deep link as the last line.

`--all --role official[,head] --out FILE.xlsx [--plan TITLE] [--qr DIR]`: a new link per body
(the plan's bodies, or every body of the directory) in a spreadsheet, and a PNG QR code per link.

`--role admin` makes a link that makes its opener an administrator (besides ADMIN_IDS): one
use, one day, whatever --uses and --days say; the administrators are told who used it."""

from __future__ import annotations

import asyncio
import difflib
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot import invitations
from bot.access import Roles
from bot.config import Settings
from bot.entry.translations import command_gettext
from bot.invitation_batch import BATCH_ROLES, InvitedBodies, invite_all
from bot.invitation_links import links_workbook, qr_codes
from bot.scope import body_ids_of
from models.tables import Organization, Plan, Role

EXIT_REFUSED = 1


class InviteRefused(Exception):
    """A name that matches nothing, or several things; the message lists the candidates."""


def _candidates(names: list[str]) -> str:
    return "\n".join(f"  - {name}" for name in names)


async def _pick_plan(session, title: str) -> Plan:  # noqa: ANN001
    plans = await invitations.find_plans(session, title)
    if not plans:
        all_titles = list(await session.scalars(select(Plan.title).order_by(Plan.id)))
        raise InviteRefused(
            f"no plan matches «{title}»"
            + (f"; plans:\n{_candidates(all_titles)}" if all_titles else "")
        )
    if len(plans) > 1:
        raise InviteRefused(
            f"«{title}» matches several plans:\n{_candidates([p.title for p in plans])}"
        )
    return plans[0]


async def _pick_organization(session, name: str, plan: Plan | None) -> Organization:  # noqa: ANN001
    found = await invitations.find_organizations(session, name, limit=50)
    if plan is not None:
        in_plan = set(await session.scalars(body_ids_of([plan.id])))
        found = [organization for organization in found if organization.id in in_plan]
    if not found:
        names = list(await session.scalars(select(Organization.full_name)))
        close = difflib.get_close_matches(name, names, n=8, cutoff=0.4) or sorted(names)[:20]
        raise InviteRefused(
            f"no body matches «{name}»"
            + (f"; did you mean:\n{_candidates(close)}" if close else "")
        )
    if len(found) > 1:
        names = [
            organization.full_name
            + (f" ({organization.short_name})" if organization.short_name else "")
            for organization in found
        ]
        raise InviteRefused(f"«{name}» matches several bodies:\n{_candidates(names)}")
    return found[0]


async def make_invitation(
    settings: Settings,
    *,
    org: str | None,
    role: Role,
    plan_title: str | None,
    uses: int,
    days: int,
) -> tuple[str, str]:
    """Returns (what the invitation is for, its token)."""
    from models.engine import create_engine, create_sessionmaker
    from models.migrations import upgrade_database

    url = settings.effective_database_url
    await upgrade_database(url)
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            plan = await _pick_plan(session, plan_title) if plan_title else None
            if role is Role.ADMINISTRATOR:
                what, plan, organization = "administrator", None, None
            elif role is Role.COORDINATOR:
                if plan is None:
                    raise InviteRefused("a coordinator's invitation needs --plan TITLE")
                what, organization = f"coordinator of «{plan.title}»", None
            else:
                if not org:
                    raise InviteRefused(f"an invitation as {role.value} needs --org NAME")
                # The plan only narrows the bodies; the invitation is to the body.
                organization = await _pick_organization(session, org, plan)
                what, plan = f"{role.value} of «{organization.full_name}»", None
            created = await invitations.create_invitation(
                session,
                role=role,
                plan=plan,
                organization=organization,
                created_by_id=None,
                max_uses=uses,
                lifetime=timedelta(days=days),
            )
            return what, created.token
    finally:
        await engine.dispose()


async def bot_username(settings: Settings) -> str:
    from bot.entry.app import create_bot

    bot = create_bot(settings)
    try:
        me = await bot.get_me()
    finally:
        await bot.session.close()
    if not me.username:
        raise InviteRefused("the bot has no username; set one with @BotFather")
    return me.username


def _role(name: str) -> Role:
    return Role.ADMINISTRATOR if name == "admin" else Role(name)


def run_invite(
    settings: Settings, *, org: str | None, role: str, plan: str | None, uses: int, days: int
) -> int:
    if _role(role) is Role.ADMINISTRATOR:
        uses, days = 1, invitations.ADMIN_LINK_LIFETIME.days
    if uses < 1 or days < 1:
        print("error: --uses and --days must be at least 1", file=sys.stderr)
        return EXIT_REFUSED
    settings.require_bot_token()
    from aiogram.exceptions import TelegramAPIError, TelegramNetworkError

    try:
        username = asyncio.run(bot_username(settings))
    except (TelegramAPIError, TelegramNetworkError, OSError) as error:
        print(f"error: cannot ask the Bot API for the bot's name: {error}", file=sys.stderr)
        return EXIT_REFUSED
    except InviteRefused as refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return EXIT_REFUSED
    try:
        what, token = asyncio.run(
            make_invitation(
                settings, org=org, role=_role(role), plan_title=plan, uses=uses, days=days
            )
        )
    except InviteRefused as refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return EXIT_REFUSED
    print(f"Invitation: {what}; {uses} use(s), valid for {days} day(s).")
    print(invitations.deep_link(username, token))
    return 0


# --- Every body at once (`--all`) ---------------------------------------------------------------

ADMINISTRATOR = Roles(is_admin=True)


async def make_all_invitations(
    settings: Settings,
    *,
    plan_title: str | None,
    roles: tuple[Role, ...],
    uses: int | None,
    days: int,
) -> InvitedBodies:
    """New links for every body of the plan (or of the directory), made as the operator."""
    from models.engine import create_engine, create_sessionmaker
    from models.migrations import upgrade_database

    url = settings.effective_database_url
    await upgrade_database(url)
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            plan = await _pick_plan(session, plan_title) if plan_title else None
            return await invite_all(
                session,
                ADMINISTRATOR,
                actor_id=None,
                plan_id=plan.id if plan is not None else None,
                invite_roles=roles,
                uses=uses,
                days=days,
                now=settings.now(),
            )
    finally:
        await engine.dispose()


def write_links(
    made: InvitedBodies,
    username: str,
    *,
    out: Path,
    qr_dir: Path | None,
    timezone: str,
    locale: str,
) -> None:
    gettext = command_gettext(locale)

    title = made.plan_title or gettext("Every body of the directory")
    out.write_bytes(
        links_workbook(
            made.links,
            username,
            title=title,
            timezone=timezone,
            gettext=gettext,
            with_qr=qr_dir is not None,
        )
    )
    if qr_dir is not None:
        qr_dir.mkdir(parents=True, exist_ok=True)
        for name, png in qr_codes(made.links, username):
            (qr_dir / name).write_bytes(png)


def run_invite_all(
    settings: Settings,
    *,
    plan: str | None,
    roles: tuple[str, ...],
    uses: int | None,
    days: int,
    out: Path | None,
    qr_dir: Path | None,
    locale: str,
) -> int:
    """Writes the file of links (and the QR codes) and says what it made; new links each run."""
    if out is None:
        print("error: --all needs --out FILE.xlsx", file=sys.stderr)
        return EXIT_REFUSED
    invite_roles = tuple(_role(name) for name in roles)
    if any(role not in BATCH_ROLES for role in invite_roles):
        print("error: --all invites officials and heads: --role official,head", file=sys.stderr)
        return EXIT_REFUSED
    if (uses is not None and uses < 1) or days < 1:
        print("error: --uses and --days must be at least 1", file=sys.stderr)
        return EXIT_REFUSED
    settings.require_bot_token()
    from aiogram.exceptions import TelegramAPIError, TelegramNetworkError

    try:
        username = asyncio.run(bot_username(settings))
        made = asyncio.run(
            make_all_invitations(
                settings, plan_title=plan, roles=invite_roles, uses=uses, days=days
            )
        )
    except (TelegramAPIError, TelegramNetworkError, OSError) as error:
        print(f"error: cannot ask the Bot API for the bot's name: {error}", file=sys.stderr)
        return EXIT_REFUSED
    except InviteRefused as refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return EXIT_REFUSED
    if not made.links:
        print("error: no bodies to invite", file=sys.stderr)
        return EXIT_REFUSED
    write_links(
        made, username, out=out, qr_dir=qr_dir, timezone=settings.default_timezone, locale=locale
    )
    where = f"«{made.plan_title}»" if made.plan_title else "the directory"
    print(
        f"Invitations: {len(made.links)} link(s) for {made.bodies} body(ies) of {where},"
        f" valid for {days} day(s). New links are made on every run; earlier ones stay open"
        " until they expire or are revoked (/orgs in the chat)."
    )
    if qr_dir is not None:
        print(f"QR codes: {qr_dir}")
    print(out)
    return 0
