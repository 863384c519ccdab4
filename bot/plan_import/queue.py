"""Plan files take turns: at most `PER_PERSON` read at a time for one coordinator and `TOTAL`
in the whole bot (reading a large plan takes seconds of a core and up to ~250 MB); the others
wait in the order they came, and the person is told how many are ahead.

A file takes its place when it arrives (`enter`, in the update, so the number said is right)
and waits for its turn in the background (`turn`); leaving the turn, or being cancelled while
waiting, gives the place up.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

TOTAL = 2
PER_PERSON = 1


@dataclass(eq=False, slots=True)
class Place:
    """One file's place in the queue; `ahead` is how many files were before it on arrival
    (0: it is read at once)."""

    owner: int
    ahead: int
    ready: asyncio.Event = field(default_factory=asyncio.Event)


class ImportQueue:
    def __init__(self, total: int = TOTAL, per_person: int = PER_PERSON) -> None:
        self.total = total
        self.per_person = per_person
        self._reading: Counter[int] = Counter()
        self._waiting: deque[Place] = deque()

    @property
    def reading(self) -> int:
        return sum(self._reading.values())

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def enter(self, owner: int) -> Place:
        """A place for a file of `owner`: its turn now when nobody waits and there is room."""
        if not self._waiting and self._has_room(owner):
            place = Place(owner, ahead=0)
            self._start(place)
            return place
        place = Place(owner, ahead=self.reading + len(self._waiting))
        self._waiting.append(place)
        return place

    @asynccontextmanager
    async def turn(self, place: Place) -> AsyncIterator[None]:
        """Wait for the place's turn, read, and give the turn to the next file."""
        try:
            await place.ready.wait()
        except BaseException:
            self._leave(place)
            raise
        try:
            yield
        finally:
            self._leave(place)

    def leave(self, place: Place) -> None:
        """Give up a place that will not be read (its update failed and may be handled
        again, taking a new place)."""
        self._leave(place)

    def _has_room(self, owner: int) -> bool:
        return self.reading < self.total and self._reading[owner] < self.per_person

    def _start(self, place: Place) -> None:
        self._reading[place.owner] += 1
        place.ready.set()

    def _leave(self, place: Place) -> None:
        if place in self._waiting:
            self._waiting.remove(place)
        elif place.ready.is_set():
            self._reading[place.owner] -= 1
            if self._reading[place.owner] <= 0:
                del self._reading[place.owner]
        self._next()

    def _next(self) -> None:
        """Start the first waiting files that may start, in their order."""
        for place in list(self._waiting):
            if self.reading >= self.total:
                return
            if self._has_room(place.owner):
                self._waiting.remove(place)
                self._start(place)
