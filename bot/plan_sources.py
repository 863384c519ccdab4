"""The file every plan import came from, kept as it was: the region's own form goes back upward.

Files lie under `DATA_DIR/plans/<sha256>.<ext>`: one copy per content, written once (a temporary
file renamed into place, so a reader never sees half a file; an existing copy is left alone).
Each plan records its versions in `plan_sources` (1, 2, … in import order); importing the same
file again adds no version. A transaction that rolls back leaves at most an unreferenced copy,
which the next import of that file reuses.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.tables import PlanSource

PLANS_DIR = "plans"
# The reader's format (`ImportResult.source_format`) → the stored file's extension.
EXTENSIONS = {"docx": "docx", "xlsx": "xlsx", "csv": "csv"}
TEXT_EXTENSION = "txt"


def stored_path_for(sha256: str, source_format: str) -> str:
    """Where a file with this content lies, relative to DATA_DIR."""
    extension = EXTENSIONS.get(source_format, TEXT_EXTENSION)
    return f"{PLANS_DIR}/{sha256}.{extension}"


def write_once(data_dir: Path, relative_path: str, content: bytes) -> Path:
    """Write `content` to DATA_DIR/relative_path unless it is there already; atomic."""
    target = data_dir / relative_path
    if target.is_file() and target.stat().st_size == len(content):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


async def keep_original(
    session: AsyncSession,
    plan_ids: list[int],
    *,
    data_dir: Path,
    content: bytes,
    sha256: str,
    file_name: str | None,
    source_format: str,
    importer_id: int | None,
    now: datetime,
) -> str:
    """Store the imported file (once) and record it as the next version of each plan it holds.

    Returns the stored path relative to DATA_DIR."""
    relative_path = stored_path_for(sha256, source_format)
    await asyncio.to_thread(write_once, data_dir, relative_path, content)
    for plan_id in plan_ids:
        latest = await latest_source(session, plan_id)
        if latest is not None and latest.sha256 == sha256:
            continue
        session.add(
            PlanSource(
                plan_id=plan_id,
                version=(latest.version + 1) if latest is not None else 1,
                sha256=sha256,
                file_name=(file_name or relative_path.rsplit("/", 1)[-1])[:255],
                file_format=EXTENSIONS.get(source_format, TEXT_EXTENSION),
                stored_path=relative_path,
                imported_at=now,
                imported_by_id=importer_id,
            )
        )
    await session.flush()
    return relative_path


async def latest_source(session: AsyncSession, plan_id: int) -> PlanSource | None:
    """The plan's latest recorded original (by the (plan_id, version) key)."""
    return await session.scalar(
        select(PlanSource)
        .where(PlanSource.plan_id == plan_id)
        .order_by(PlanSource.version.desc())
        .limit(1)
    )
