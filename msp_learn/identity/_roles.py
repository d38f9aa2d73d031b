"""Who a person is to the kit (learner, trainer or lead) and the one role check."""

from __future__ import annotations

from dataclasses import dataclass

#: The roles, from least to most reach. A trainer can do all a learner can; a lead all a
#: trainer can.
ROLES = ("learner", "trainer", "lead")
_RANK = {role: rank for rank, role in enumerate(ROLES)}


def check_role(role: object) -> str:
    """``role`` if it is one of :data:`ROLES`; else ValueError saying which are allowed."""
    if role not in _RANK:
        raise ValueError(f"{role!r} is not a role: use one of {', '.join(ROLES)}")
    return role  # type: ignore[return-value]


@dataclass(frozen=True)
class Person:
    """A signed-in person: their name as shown, and their role.

    ``operator`` marks the person running the kit, signed in with the server's token rather
    than as a learner: they hold no learner record.
    """

    name: str
    role: str = "learner"
    operator: bool = False

    def __post_init__(self) -> None:
        check_role(self.role)

    def can(self, role: str) -> bool:
        """True when this person's role reaches ``role``."""
        return _RANK[self.role] >= _RANK[check_role(role)]


class NotSignedIn(PermissionError):
    """Nobody is signed in, and the page or command needs someone."""


class Forbidden(PermissionError):
    """Someone is signed in, but their role does not reach the one needed."""


_WHO = {"learner": "learners", "trainer": "trainers", "lead": "workforce leads"}


def require(person: Person | None, role: str = "learner") -> Person:
    """Return ``person`` if they may use something meant for ``role``; else raise.

    Raises :class:`NotSignedIn` when ``person`` is None and :class:`Forbidden` when their
    role is below ``role``; the messages are fit to show the person.
    """
    check_role(role)
    if person is None:
        raise NotSignedIn("Sign in to use this page.")
    if not person.can(role):
        raise Forbidden(f"This is for {_WHO[role]}; you are signed in as a {person.role}. "
                        "Ask the person running the kit if you need it.")
    return person
