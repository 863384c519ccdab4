"""Reasons people write in words: why a deadline moves, why a report is returned.

One rule for all of them: stripped, not empty, at most `REASON_LIMIT` characters.
"""

from __future__ import annotations

from bot.refusals import Refusal, Refused

REASON_LIMIT = 1000


def clean_reason(
    text: str | None,
    *,
    missing: Refusal = Refusal.NO_REASON,
    limit: int = REASON_LIMIT,
    too_long: Refusal = Refusal.REASON_TOO_LONG,
) -> str:
    """A reason as stored: stripped; refused with `missing` when empty, and with `too_long`
    (and the limit) when longer than `limit`."""
    reason = (text or "").strip()
    if not reason:
        raise Refused(missing)
    if len(reason) > limit:
        raise Refused(too_long, limit=limit)
    return reason
