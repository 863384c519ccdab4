"""How a body is found by its name: one folding rule and one matcher for every search.

Bodies are a few hundred, so they are matched in Python: SQLite's lower() folds ASCII only.
"""

from __future__ import annotations

from collections.abc import Iterable

from models.tables import Organization


def fold(text: str) -> str:
    """Text for matching: case-folded (Cyrillic too), ё as е, whitespace collapsed."""
    return " ".join(text.casefold().replace("ё", "е").split())


def by_name(organizations: Iterable[Organization]) -> list[Organization]:
    """Bodies in the order people read them: by folded full name."""
    return sorted(organizations, key=lambda o: (fold(o.full_name), o.id))


def names_of(organization: Organization) -> tuple[str, str]:
    """The body's full and short names, folded."""
    return fold(organization.full_name), fold(organization.short_name or "")


def exact_bodies(organizations: Iterable[Organization], text: str) -> list[Organization]:
    """Bodies whose full or short name is the text typed (folded)."""
    needle = fold(text)
    if not needle:
        return []
    return [o for o in by_name(organizations) if needle in names_of(o)]


def match_bodies(organizations: Iterable[Organization], text: str) -> list[Organization]:
    """Bodies whose full or short name holds every word typed; exact names first."""
    needle = fold(text)
    if not needle:
        return []
    words = needle.split()
    exact, partial = [], []
    for organization in by_name(organizations):
        names = names_of(organization)
        if needle in names:
            exact.append(organization)
        elif all(any(word in name for name in names) for word in words):
            partial.append(organization)
    return exact + partial
