"""The parent's object for one child (Genode::Child): the parent interface
the child calls, the server side it calls as a server, the parent's own
actions on it, its environment sessions and its process start."""

from __future__ import annotations

from . import parent_interface as calls
from .args import valid_service_name
from .env import EnvConnection
from .quota import Account, Transaction, caps, ram
from .session import NOTIFICATION_PENDING, IdSpace, SessionState

NONE = {"kind": "none"}

PROCESS_ERRORS = {
    "outOfRam": "out of RAM while loading the ELF binary",
    "outOfCaps": "out of caps while loading the ELF binary",
    "threadCreationFailed": "could not create the initial thread",
    "missingLinker": "dynamic linker unavailable",
    "invalidExecutable": "invalid ELF executable",
    "regionConflict": "loading the ELF binary failed (region conflict)",
    "invalidDataspace": "loading the ELF binary failed (invalid dataspace)",
}


class Child:
    def __init__(self, policy, parent, account: Account) -> None:
        self.policy = policy
        self.parent = parent
        self.account = account
        self.id_space = IdSpace()      # sessions the child requested, by client ID
        self.server_ids = IdSpace()    # sessions the child serves, by server ID
        self.signals = {"session": 0, "yield": 0, "resourceAvail": 0, "heartbeat": 0}
        self.outstanding_heartbeats = 0
        self.yield_args = ""
        self.start_error: str | None = None
        self.destroyed = False
        self.sighs = {"session": False, "yield": False, "resourceAvail": False, "heartbeat": False}
        self.initial_thread = False
        self.process = False
        self.env = {
            "pd": EnvConnection("pd", self, policy.name),
            "cpu": EnvConnection("cpu", self, policy.name),
            "log": EnvConnection("log", self, policy.name),
            "binary": EnvConnection("binary", self, policy.binary_label),
            "linker": None,
        }

    @staticmethod
    def start(policy, parent, account: Account) -> Child:
        """Constructs the child: its PD session first, then the other environment sessions."""
        child = Child(policy, parent, account)
        child._initiate_env(child.env["pd"])
        if child.env["pd"].cap:
            policy.init(account)
        child._initiate_env_sessions()
        return child

    @property
    def name(self) -> str:
        return self.policy.name

    @property
    def active(self) -> bool:
        return self.initial_thread and self.process

    @property
    def pd_closed(self) -> bool:
        return self.env["pd"].closed

    # ------------------------------------------------ the parent interface

    def session(self, session_id: int, service: str, args: str) -> dict:
        return calls.request_session(self, session_id, service, args)

    def session_cap(self, session_id: int) -> dict:
        return calls.request_session_cap(self, session_id)

    def upgrade(self, session_id: int, args: str) -> dict:
        return calls.upgrade_session(self, session_id, args)

    def close(self, session_id: int) -> dict:
        return calls.close_session(self, session_id)

    def session_sigh(self, valid: bool) -> dict:
        """Installs the session signal handler and delivers notifications that became due before."""
        self.sighs["session"] = valid
        if valid:
            for _, session in self.id_space.ascending():
                if session.phase in NOTIFICATION_PENDING and session.async_client_notify:
                    self.signals["session"] += 1
        return NONE

    def announce(self, service: str) -> dict:
        if valid_service_name(service):
            self.policy.announced.append(service)
        return NONE

    def exit(self, value: int) -> dict:
        self.policy.exit_value = value
        return NONE

    def sigh(self, kind: str, valid: bool) -> dict:
        """yield_sigh, resource_avail_sigh, heartbeat_sigh."""
        self.sighs[kind] = valid
        return NONE

    def yield_request(self) -> dict:
        return {"kind": "args", "args": self.yield_args}

    def yield_response(self) -> dict:
        self.policy.yield_responses += 1
        return NONE

    def resource_request(self, args: str) -> dict:
        self.policy.resource_requests.append(args)
        return NONE

    def heartbeat_response(self) -> dict:
        self.outstanding_heartbeats = 0
        return NONE

    # ------------------------------------------------ the server side

    def session_response(self, server_id: int, response: str) -> dict:
        calls.respond_to_session(self, server_id, response)
        return NONE

    def deliver_session_cap(self, server_id: int) -> dict:
        calls.deliver_session_cap(self, server_id)
        return NONE

    # ------------------------------------------------ the parent's own actions

    def yield_(self, args: str) -> dict:
        self.yield_args = args
        if self.sighs["yield"]:
            self.signals["yield"] += 1
        return NONE

    def notify_resource_avail(self) -> dict:
        if self.sighs["resourceAvail"]:
            self.signals["resourceAvail"] += 1
        return NONE

    def heartbeat(self) -> dict:
        if self.sighs["heartbeat"]:
            self.outstanding_heartbeats += 1
            self.signals["heartbeat"] += 1
        return NONE

    def skipped_heartbeats(self) -> dict:
        return {"kind": "count", "value": max(self.outstanding_heartbeats - 1, 0)}

    def close_all_sessions(self) -> dict:
        calls.close_all_sessions(self)
        return NONE

    def destroy(self) -> dict:
        """~Child: close_all_sessions (again, if it ran before), then the
        environment sessions go with the child, and so do its signal handlers."""
        calls.close_all_sessions(self)
        self.sighs = {kind: False for kind in self.sighs}
        for kind in ("linker", "binary", "log", "cpu", "pd"):
            if self.env[kind] is not None:
                self.env[kind].destruct()
        self.process = False
        self.initial_thread = False
        self.destroyed = True
        return NONE

    # ------------------------------------------------ callbacks

    def session_ready(self, session: SessionState) -> None:
        if self.sighs["session"] and session.async_client_notify:
            self.signals["session"] += 1

    def session_closed(self, session: SessionState) -> None:
        calls.revert_quota_and_destroy(self, session)
        if self.sighs["session"]:
            self.signals["session"] += 1

    # ------------------------------------------------ environment and process

    def try_construct_env_dependent_members(self) -> None:
        """Builds the initial thread and the process once PD, CPU, LOG, binary
        (and the linker, if asked for and routed) have caps. Sessions still
        AVAILABLE are handed out first."""
        env = self.env
        if not (env["pd"].cap and env["cpu"].cap and env["log"].cap and env["binary"].cap):
            return
        if env["linker"] is not None and not env["linker"].cap:
            return
        for _, session in self.id_space.ascending():
            if session.phase == "AVAILABLE":
                session.enter("CAP_HANDED_OUT")
        outcome = self.policy.process_outcome
        if outcome != "ok":
            self.parent.diagnostics.error(f"{self.name}: {PROCESS_ERRORS[outcome]}")
        self.initial_thread = outcome != "threadCreationFailed"
        self.process = outcome == "ok"
        self.start_error = None if outcome == "ok" else outcome

    def destruct_initial_thread(self) -> None:
        self.initial_thread = False

    def close_pd_session(self) -> None:
        """Closes the PD session: its balance goes back to the reference
        account, and the account loses its capability."""
        self.env["pd"].close()
        if not self.account.valid:
            return
        reference = self.parent.reference
        refund = Transaction(self.parent.journal, self.parent.diagnostics)
        exceeded = refund.transfer_all([
            (ram(self.account.balances["ram"]), self.account, reference),
            (caps(self.account.balances["caps"]), self.account, reference),
        ])
        assert exceeded is None, f"{self.account.name} lacks its own balance"
        refund.commit()
        self.account.invalidate()

    def _initiate_env_sessions(self) -> None:
        for kind in ("cpu", "log", "binary"):
            self._initiate_env(self.env[kind])
        # A denied linker is fine: the binary may be statically linked.
        if self.policy.wants_linker:
            linker = EnvConnection("linker", self, self.policy.linker_label)
            self.env["linker"] = linker if linker.initiate() else None
        self.try_construct_env_dependent_members()

    def _initiate_env(self, connection: EnvConnection) -> None:
        if not connection.initiate():
            self.parent.diagnostics.error(f"{self.name}: {connection.service_name} environment session denied")

    def view(self) -> dict:
        return {
            "constructed": True,
            "active": self.active,
            "startError": self.start_error,
            "pdClosed": self.pd_closed,
            "destroyed": self.destroyed,
            "exitValue": self.policy.exit_value,
            "outstandingHeartbeats": self.outstanding_heartbeats,
            "signals": dict(self.signals),
            "yieldArgs": self.yield_args,
            "yieldResponses": self.policy.yield_responses,
            "resourceRequests": list(self.policy.resource_requests),
            "announced": list(self.policy.announced),
        }
