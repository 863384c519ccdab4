"""`python -m bot invite`: the operator makes an invitation link from the command line."""

from __future__ import annotations

import asyncio
import sys
from datetime import date

import pytest

from bot.entry.invite_command import InviteRefused, _pick_organization
from bot.plan_import.store import name_key
from models.engine import create_engine, create_sessionmaker
from models.migrations import upgrade_database
from models.tables import Assignment, Measure, Organization, Plan
from tests.test_e2e_officials import database_url


async def run_cli(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "invite",
        *args,
        cwd=env["DATA_DIR"],
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 90)
    return process.returncode, stdout.decode(), stderr.decode()


async def seed(url: str) -> None:
    await upgrade_database(url)
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session, session.begin():
        session.add(Plan(title="План Омской области"))
        for full, short in (
            ("Министерство труда и социального развития Омской области", "Минтруд"),
            ("Министерство труда Новосибирской области", None),
            ("Главное управление молодежной политики Омской области", "ГУМП"),
        ):
            session.add(Organization(full_name=full, name_key=name_key(full), short_name=short))
    await engine.dispose()


async def test_invitations_from_the_command_line(bot_process_env):
    env = bot_process_env
    await seed(database_url(env))

    code, out, err = await run_cli(env, "--org", "гумп", "--role", "official", "--uses", "3")
    assert code == 0, err
    assert out.strip().splitlines()[-1].startswith("https://t.me/roadmap_test_bot?start=")
    assert "Главное управление молодежной политики Омской области" in out

    code, out, err = await run_cli(env, "--org", "министерство труда", "--role", "head")
    assert code == 1
    assert "matches several bodies" in err
    assert "Министерство труда Новосибирской области" in err and "(Минтруд)" in err

    code, out, err = await run_cli(env, "--org", "Министерство труды Омской", "--role", "official")
    assert code == 1
    assert "no body matches" in err and "Министерство труда и социального развития" in err

    code, out, err = await run_cli(env, "--role", "coordinator")
    assert code == 1 and "needs --plan" in err
    code, out, err = await run_cli(env, "--role", "coordinator", "--plan", "омской")
    assert code == 0, err
    assert "coordinator of «План Омской области»" in out


async def test_a_plan_narrows_the_bodies_to_those_it_still_assigns(session):
    """`--plan` picks among the bodies executing the plan's measures now: a body whose
    assignment ended is no longer one of them (as everywhere else in the bot)."""
    plan = Plan(title="План Омской области")
    bodies = [
        Organization(full_name=full, name_key=name_key(full))
        for full in ("Министерство труда Омской области", "Министерство труда области")
    ]
    session.add_all([plan, *bodies])
    await session.flush()
    measure = Measure(plan_id=plan.id, number="1.1", number_key="1.1", sort_key="1.1", title="Т")
    session.add(measure)
    await session.flush()
    current, ended = bodies
    session.add_all(
        [
            Assignment(measure_id=measure.id, organization_id=current.id),
            Assignment(
                measure_id=measure.id, organization_id=ended.id, valid_until=date(2025, 1, 1)
            ),
        ]
    )
    await session.flush()

    assert await _pick_organization(session, "министерство труда", plan) is current
    with pytest.raises(InviteRefused, match="no body matches"):
        await _pick_organization(session, "Министерство труда области", plan)
