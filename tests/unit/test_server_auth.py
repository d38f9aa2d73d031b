"""The server's identity parts without a server: kernel owners, the authorizer, role checks."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from tornado import web

from msp_learn.identity import Person
from msp_learn.server._auth import (
    KernelOwners,
    KitAuthorizer,
    KitUser,
    RoleRequired,
    current_person,
    requires_role,
)

ALEX, BEA = Person("Alex"), Person("Bea")


def test_a_kernel_belongs_only_to_the_person_it_was_handed_to():
    owners = KernelOwners()
    owners.record("k1", ALEX)
    assert owners.owns(ALEX, "k1") and owners.owns(Person("ALEX"), "k1")  # one learner
    assert not owners.owns(BEA, "k1")
    assert not owners.owns(None, "k1") and not owners.owns(ALEX, None)
    assert not owners.owns(ALEX, "k2")                                   # never handed out
    assert not owners.owns(Person("Alex", operator=True), "k1")         # the operator is not Alex
    owners.record("k1", BEA)                                             # handed out again
    assert owners.owns(BEA, "k1") and not owners.owns(ALEX, "k1")


def test_owners_of_kernels_that_are_gone_are_dropped():
    owners = KernelOwners()
    for i in range(100):
        owners.record(f"k{i}", ALEX)
    owners.record("new", BEA, live={"new", "k99"})
    assert owners.owns(ALEX, "k99") and owners.owns(BEA, "new")
    assert not owners.owns(ALEX, "k5")


def test_the_hook_records_who_gets_each_kernel():
    """Is a preheated kernel recorded for the request's person, and a pool refill for nobody?"""

    class Manager:
        def list_kernel_ids(self):
            return ["pre", "fresh", "refill"]

        async def get_rendered_notebook(self, notebook_name, **kwargs):
            return (None, [], "pre")

        async def start_kernel(self, **kwargs):
            return kwargs["kernel_id"]

    manager, owners = Manager(), KernelOwners()
    owners.hook(manager)

    async def request(person, call):
        current_person.set(person)
        return await call()

    async def run():
        await request(ALEX, lambda: manager.get_rendered_notebook("app.ipynb"))
        await request(BEA, lambda: manager.start_kernel(kernel_id="fresh"))
        await request(None, lambda: manager.start_kernel(kernel_id="refill"))

    asyncio.run(run())
    assert owners.owns(ALEX, "pre") and owners.owns(BEA, "fresh")
    assert not owners.owns(ALEX, "refill") and not owners.owns(BEA, "refill")


def _handler(person, kernel_id="k1", method="GET", owners=None):
    user = KitUser(username="u", person=person) if person else None
    return SimpleNamespace(
        current_user=user, path_kwargs={"kernel_id": kernel_id}, path_args=[],
        settings={"msp_learn_kernel_owners": owners or KernelOwners()},
        request=SimpleNamespace(method=method, uri="/workshop"),
        log=SimpleNamespace(warning=lambda *a: None), redirected=None,
        get_login_url=lambda: "/msp/sign-in")


def test_the_authorizer_lets_only_the_owner_reach_a_kernel():
    owners = KernelOwners()
    owners.record("k1", ALEX)
    authorizer = KitAuthorizer()
    for action in ("read", "write", "execute"):
        alex = _handler(ALEX, owners=owners)
        bea = _handler(BEA, owners=owners)
        assert authorizer.is_authorized(alex, alex.current_user, action, "kernels")
        assert not authorizer.is_authorized(bea, bea.current_user, action, "kernels")
    nobody = _handler(None, owners=owners)
    assert not authorizer.is_authorized(nobody, None, "read", "kernels")
    assert not authorizer.is_authorized(nobody, None, "read", "contents")


class Page:
    @requires_role("trainer")
    def get(self):
        return "workshop"


def test_requires_role_refuses_learners_and_lets_trainers_and_leads_in():
    for person in (Person("T", "trainer"), Person("L", "lead")):
        assert Page.get(_handler(person)) == "workshop"
    with pytest.raises(web.HTTPError) as info:
        Page.get(_handler(Person("Learner")))
    assert info.value.status_code == 403 and "for trainers" in info.value.log_message
    with pytest.raises(web.HTTPError) as info:
        Page.get(_handler(None, method="POST"))
    assert info.value.status_code == 403
    visitor = _handler(None)
    visitor.redirect = lambda url: setattr(visitor, "redirected", url)
    assert Page.get(visitor) is None
    assert visitor.redirected == "/msp/sign-in?next=%2Fworkshop"


def test_the_role_mixin_refuses_below_its_role():
    class Base:
        async def prepare(self):
            return None

    class LeadPage(RoleRequired, Base):
        required_role = "lead"

        def __init__(self, person):
            self.current_user = KitUser(username="u", person=person) if person else None
            self._finished = False

    asyncio.run(LeadPage(Person("L", "lead")).prepare())
    for person in (Person("T", "trainer"), None):
        with pytest.raises(web.HTTPError) as info:
            asyncio.run(LeadPage(person).prepare())
        assert info.value.status_code == 403
