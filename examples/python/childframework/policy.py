"""The parent's policy for one child (Child_policy as init implements it),
driven by the child's description."""

from __future__ import annotations

from .args import ArgString
from .quota import Account, Transaction, caps, ram


class ChildPolicy:
    """Routing (first matching route wins), the arguments the parent sets on
    every request, the funding of the child's PD, and the record of what the
    child told the parent."""

    def __init__(self, description: dict, parent, directory) -> None:
        self.description = description
        self.parent = parent
        self.directory = directory
        self.announced: list[str] = []
        self.resource_requests: list[str] = []
        self.exit_value: int | None = None
        self.yield_responses = 0

    @property
    def name(self) -> str:
        return self.description["name"]

    @property
    def binary_label(self) -> str:
        return f"{self.name} -> binary"

    @property
    def linker_label(self) -> str:
        return f"{self.name} -> ld.lib.so"

    @property
    def wants_linker(self) -> bool:
        return self.description.get("dynamic", True)

    @property
    def process_outcome(self) -> str:
        return self.description.get("process", "ok")

    @property
    def env_quota(self) -> dict:
        return self.description.get("envQuota", {"ram": 0, "caps": 0})

    def resolve_session_request(self, service_name: str, label: str):
        """The service a request is routed to, with the label presented to
        it; None when no route matches, the route denies, or the target is
        missing."""
        for route in self.description["routes"]:
            if route["service"] != "*" and route["service"] != service_name:
                continue
            prefix = route.get("labelPrefix")
            if prefix is not None and not label.startswith(prefix):
                continue
            service = self._target(route["to"])
            return None if service is None else (service, label)
        return None

    def filter_session_args(self, args: ArgString) -> ArgString:
        for key, value in self.description.get("setArgs", {}).items():
            args = args.set(key, value)
        return args

    def init(self, pd: Account) -> None:
        """Sets up the child's PD account: related to the reference account,
        funded with the described quota, RAM and caps each in a transaction."""
        pd.validate(self.parent.reference)
        quota = self.description["quota"]
        self._fund(pd, ram(quota["ram"]), "RAM")
        self._fund(pd, caps(quota["caps"]), "cap")

    def _target(self, to: dict):
        if to["kind"] == "deny":
            return None
        if to["kind"] in ("local", "parent"):
            return self.directory.parent_side_service(to["kind"], to["name"])
        return self.directory.child_service(to["server"], to["name"])

    def _fund(self, pd: Account, amount, unit: str) -> None:
        funding = Transaction(self.parent.journal, self.parent.diagnostics)
        if funding.transfer(amount, self.parent.reference, pd) is not None:
            funding.rollback()
            self.parent.diagnostics.error(f"{self.name}: unable to initialize {unit} quota of PD")
            return
        funding.commit()
