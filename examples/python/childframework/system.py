"""A whole system built from a SystemDescription: the parent with its
reference account, upstream, services and children. `apply` carries out one
operation; `observe` reports everything the checker may look at."""

from __future__ import annotations

from .child import NONE, Child
from .policy import ChildPolicy
from .quota import Account, Diagnostics, Journal, StepClock
from .services import AnswerQueue, ChildService, LocalService, ParentService, Upstream
from .session import SessionRegistry

MAX_SAFE_INTEGER = 2**53 - 1


class UsageError(Exception):
    """Misuse: an unknown, unstarted or destroyed child, an unknown service,
    a malformed description. Expected protocol outcomes are never errors."""


class ChildSlot:
    def __init__(self, description: dict) -> None:
        self.description = description
        self.account = Account.without_capability(f"pd:{description['name']}")
        self.child: Child | None = None


class Parent:
    """What every child shares with the parent that runs it."""

    def __init__(self, clock: StepClock, reference: Account, session_cost: int) -> None:
        self.journal = Journal(clock)
        self.diagnostics = Diagnostics(clock)
        self.sessions = SessionRegistry()
        self.reference = reference
        self.session_cost = session_cost


class System:
    def __init__(self, description: dict) -> None:
        validate_description(description)
        self.clock = StepClock()
        upstream_account = Account.open("upstream", description["upstream"]["ram"],
                                        description["upstream"]["caps"], None)
        reference = Account.open("ref", description["reference"]["ram"], description["reference"]["caps"],
                                 upstream_account)
        self.parent = Parent(self.clock, reference, description["sessionCost"])
        self.upstream = Upstream(upstream_account, reference, self.parent.journal, self.parent.diagnostics)
        self.parent_side: dict[str, tuple[object, AnswerQueue]] = {}
        for service in description["services"]:
            answers = AnswerQueue()
            if service["kind"] == "local":
                implementation = LocalService(service["name"], answers)
            else:
                implementation = ParentService(service["name"], self.upstream, answers, self.parent.diagnostics)
            self.parent_side[service["name"]] = (implementation, answers)
        self.child_services: dict[str, ChildService] = {}
        self.slots = {child["name"]: ChildSlot(child) for child in description["children"]}

        # Step 0: construct every child whose description does not say start: false.
        for slot in self.slots.values():
            if slot.description.get("start", True):
                self._construct(slot)

    # ------------------------------------------------ the operations

    def apply(self, operation: dict) -> dict:
        """Carries out one operation as the next step; UsageError on misuse."""
        self.clock.advance()
        try:
            handler = OPERATIONS.get(operation.get("op"))
            if handler is None:
                raise UsageError(f"unknown operation {operation.get('op')!r}")
            return handler(self, operation)
        except UsageError:
            self.clock.retract()
            raise

    def observe(self) -> dict:
        accounts = {"ref": account_view(self.parent.reference), "upstream": account_view(self.upstream.account)}
        children = {}
        for name, slot in self.slots.items():
            accounts[slot.account.name] = account_view(slot.account)
            children[name] = UNSTARTED_CHILD if slot.child is None else slot.child.view()
        return {
            "step": self.clock.step,
            "accounts": accounts,
            "sessions": [session.view() for session in self.parent.sessions.live.values()],
            "history": {key: list(phases) for key, phases in self.parent.sessions.phases.items()},
            "children": children,
            "wakeups": {key: service.wakeups for key, service in self.child_services.items() if service.wakeups > 0},
            "diagnostics": list(self.parent.diagnostics.entries),
            "journal": list(self.parent.journal.entries),
        }

    def child(self, name: str) -> Child:
        child = self._slot(name).child
        if child is None:
            raise UsageError(f"child {name} has not been started")
        if child.destroyed:
            raise UsageError(f"child {name} has been destroyed")
        return child

    def start_child(self, name: str) -> dict:
        slot = self._slot(name)
        if slot.child is not None:
            raise UsageError(f"child {name} has already been started")
        self._construct(slot)
        return NONE

    def set_answers(self, service: str, answers: list[str]) -> dict:
        if service not in self.parent_side:
            raise UsageError(f"no local or parent service named {service}")
        self.parent_side[service][1].set(answers)
        return NONE

    # ------------------------------------------------ the directory of services routes name

    def parent_side_service(self, kind: str, name: str):
        entry = self.parent_side.get(name)
        return entry[0] if entry is not None and entry[0].kind == kind else None

    def child_service(self, server: str, name: str):
        slot = self.slots.get(server)
        child = None if slot is None else slot.child
        if child is None or child.destroyed:
            return None
        key = f"{server}/{name}"
        if key not in self.child_services:
            self.child_services[key] = ChildService(name, child)
        return self.child_services[key]

    def _slot(self, name: str) -> ChildSlot:
        if name not in self.slots:
            raise UsageError(f"no child named {name}")
        return self.slots[name]

    def _construct(self, slot: ChildSlot) -> None:
        policy = ChildPolicy(slot.description, self.parent, self)
        slot.child = Child.start(policy, self.parent, slot.account)


def checked_id(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > MAX_SAFE_INTEGER:
        raise UsageError(f"invalid ID {value}")
    return value


def _on_child(call):
    """A handler that runs `call` on the operation's (constructed, living) child."""
    return lambda system, op: call(system.child(op["child"]), op)


OPERATIONS = {
    "session": _on_child(lambda c, op: c.session(checked_id(op["id"]), op["service"], op["args"])),
    "sessionCap": _on_child(lambda c, op: c.session_cap(checked_id(op["id"]))),
    "upgrade": _on_child(lambda c, op: c.upgrade(checked_id(op["id"]), op["args"])),
    "close": _on_child(lambda c, op: c.close(checked_id(op["id"]))),
    "sessionSigh": _on_child(lambda c, op: c.session_sigh(op["valid"])),
    "announce": _on_child(lambda c, op: c.announce(op["service"])),
    "exit": _on_child(lambda c, op: c.exit(op["value"])),
    "yieldSigh": _on_child(lambda c, op: c.sigh("yield", op["valid"])),
    "yieldRequest": _on_child(lambda c, op: c.yield_request()),
    "yieldResponse": _on_child(lambda c, op: c.yield_response()),
    "resourceAvailSigh": _on_child(lambda c, op: c.sigh("resourceAvail", op["valid"])),
    "resourceRequest": _on_child(lambda c, op: c.resource_request(op["args"])),
    "heartbeatSigh": _on_child(lambda c, op: c.sigh("heartbeat", op["valid"])),
    "heartbeatResponse": _on_child(lambda c, op: c.heartbeat_response()),
    "deliverSessionCap": _on_child(lambda c, op: c.deliver_session_cap(checked_id(op["id"]))),
    "sessionResponse": _on_child(lambda c, op: c.session_response(checked_id(op["id"]), op["response"])),
    "yield": _on_child(lambda c, op: c.yield_(op["args"])),
    "notifyResourceAvail": _on_child(lambda c, op: c.notify_resource_avail()),
    "heartbeat": _on_child(lambda c, op: c.heartbeat()),
    "skippedHeartbeats": _on_child(lambda c, op: c.skipped_heartbeats()),
    "closeAllSessions": _on_child(lambda c, op: c.close_all_sessions()),
    "destroyChild": _on_child(lambda c, op: c.destroy()),
    "startChild": lambda system, op: system.start_child(op["child"]),
    "setAnswers": lambda system, op: system.set_answers(op["service"], op["answers"]),
}

UNSTARTED_CHILD = {
    "constructed": False,
    "active": False,
    "startError": None,
    "pdClosed": True,
    "destroyed": False,
    "exitValue": None,
    "outstandingHeartbeats": 0,
    "signals": {"session": 0, "yield": 0, "resourceAvail": 0, "heartbeat": 0},
    "yieldArgs": "",
    "yieldResponses": 0,
    "resourceRequests": [],
    "announced": [],
}


def account_view(account: Account) -> dict:
    return {"ram": account.balances["ram"], "caps": account.balances["caps"], "valid": account.valid}


def validate_description(description: dict) -> None:
    """Raises UsageError for a malformed description: a negative amount, a
    name declared twice, a route to an undeclared local or parent service."""

    def amount(value, what: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SAFE_INTEGER:
            raise UsageError(f"{what} must be a non-negative integer, got {value}")

    def quota(value: dict, what: str) -> None:
        amount(value["ram"], f"{what} RAM")
        amount(value["caps"], f"{what} caps")

    amount(description["sessionCost"], "sessionCost")
    quota(description["reference"], "reference")
    quota(description["upstream"], "upstream")
    services: dict[str, str] = {}
    for service in description["services"]:
        if service["name"] in services:
            raise UsageError(f"service {service['name']} is declared twice")
        services[service["name"]] = service["kind"]
    children: set[str] = set()
    for child in description["children"]:
        if child["name"] in children:
            raise UsageError(f"child {child['name']} is declared twice")
        children.add(child["name"])
        quota(child["quota"], f"quota of {child['name']}")
        if "envQuota" in child:
            quota(child["envQuota"], f"envQuota of {child['name']}")
        for route in child["routes"]:
            to = route["to"]
            if to["kind"] in ("local", "parent") and services.get(to["name"]) != to["kind"]:
                raise UsageError(f"child {child['name']} routes to undeclared {to['kind']} service {to['name']}")
