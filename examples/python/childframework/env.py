"""A child's environment sessions: PD, CPU, LOG, binary ROM and linker ROM
(Env_connection with its Local_connection), under fixed client IDs 1-5.

They are routed like any request but do not pass through session(): no
quota comes from the child.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .args import ArgString
from .quota import Transaction, caps, ram
from .session import ENV_SESSION_IDS, SessionState, alive, closed

if TYPE_CHECKING:
    from .child import Child

ENV_SESSION_ATTEMPTS = 10
ENV_RAM_INCREMENT = 4096
ENV_CAP_INCREMENT = 1
ENV_SERVICE_NAMES = {"pd": "PD", "cpu": "CPU", "log": "LOG", "binary": "ROM", "linker": "ROM"}


class EnvService:
    """The service an environment session sees (Env_service): forwards to
    the routed service, makes the process-start retry the ready callback,
    and pays the session's quota from the reference account when an
    asynchronous service takes the first request (not for a service named
    PD)."""

    def __init__(self, name: str, routed, client: Child) -> None:
        self.name = name
        self.routed = routed
        self.client = client
        self.first_request = True

    @property
    def kind(self) -> str:
        return self.routed.kind

    @property
    def account(self):
        return self.routed.account

    @property
    def account_name(self):
        return self.routed.account_name

    @property
    def server(self):
        return self.routed.server

    def initiate_request(self, session: SessionState) -> None:
        session.ready_callback = self
        session.async_client_notify = True
        self.routed.initiate_request(session)

        # A local connection may ask more than once: only the first request is paid for.
        if self.first_request and session.phase == "CREATE_REQUESTED" and self.routed.name != "PD":
            self._pay_from_reference(session)
            self.first_request = False
        if session.phase == "SERVICE_DENIED":
            self.client.parent.diagnostics.error(
                f"{self.client.name}: environment {self.name} session denied ({session.args})")
        if session.phase == "CLOSE_REQUESTED":
            self.routed.wakeup()

    def wakeup(self) -> None:
        self.routed.wakeup()

    def session_ready(self, session: SessionState) -> None:
        """An environment session was answered: try to start the process."""
        self.client.try_construct_env_dependent_members()

    def _pay_from_reference(self, session: SessionState) -> None:
        parent = self.client.parent
        quota = self.client.policy.env_quota
        for amount in (ram(quota["ram"]), caps(quota["caps"])):
            payment = Transaction(parent.journal, parent.diagnostics)
            if payment.transfer(amount, parent.reference, self.account) is not None:
                payment.rollback()
                parent.diagnostics.error(
                    f"{self.client.name}: could not pay {amount} for environment {session.service.name} session")
            else:
                payment.commit()


class EnvConnection:
    """One environment session. `initiate` creates it like a local
    connection: up to ten session states one after the other, each asking
    for 4096 bytes more RAM after an insufficient-RAM answer, or one cap
    more after an insufficient-caps answer; any other answer ends the
    attempts."""

    def __init__(self, kind: str, client: Child, label: str) -> None:
        self.kind = kind
        self.client = client
        self.label = label
        self.env_service: EnvService | None = None
        self.state: SessionState | None = None

    @property
    def session_id(self) -> int:
        return ENV_SESSION_IDS[self.kind]

    @property
    def service_name(self) -> str:
        return ENV_SERVICE_NAMES[self.kind]

    @property
    def session(self) -> SessionState | None:
        return None if self.state is None or self.state.destroyed else self.state

    @property
    def cap(self) -> bool:
        return self.session is not None and self.session.cap

    @property
    def closed(self) -> bool:
        session = self.session
        return session is None or closed(session.phase)

    def initiate(self) -> bool:
        """Routes and creates the session; False if the route is denied."""
        if self.env_service is not None:
            return True
        route = self.client.policy.resolve_session_request(self.service_name, self.label)
        if route is None:
            return False
        service, label = route
        self.env_service = EnvService(self.service_name, service, self.client)
        args = self.client.policy.filter_session_args(ArgString.parse("").set_string("label", self.label))
        self._create_with_retries(self.env_service, args, label)
        self.env_service.wakeup()
        return True

    def close(self) -> None:
        """Asks the service to close a live session (Local_connection::close)."""
        session = self.session
        if self.env_service is not None and session is not None and alive(session.phase):
            session.enter("CLOSE_REQUESTED")
            self.env_service.initiate_request(session)

    def destruct(self) -> None:
        self.close()
        if self.session is not None:
            self.session.destroy()
        self.state = None
        self.env_service = None

    def _create_with_retries(self, env_service: EnvService, base_args: ArgString, label: str) -> None:
        quota = self.client.policy.env_quota
        ram_amount, cap_amount = quota["ram"], quota["caps"]
        for _ in range(ENV_SESSION_ATTEMPTS):
            if self.session is not None:
                self.session.destroy()
            self.state = None
            args = base_args.set("ram_quota", ram_amount).set("cap_quota", cap_amount).set("diag", 0)
            session, _existing = SessionState.create(
                self.client.parent.sessions, env_service, self.client.name, self.client.id_space,
                self.session_id, label, args, self.kind)
            if session is None:
                self.client.parent.diagnostics.error(
                    f"{self.client.name}: environment {self.service_name} session ID {self.session_id} is taken")
                return
            self.state = session
            env_service.initiate_request(session)
            if session.phase == "INSUFFICIENT_RAM_QUOTA":
                ram_amount += ENV_RAM_INCREMENT
            elif session.phase == "INSUFFICIENT_CAP_QUOTA":
                cap_amount += ENV_CAP_INCREMENT
            else:
                return
        self.client.parent.diagnostics.warning(
            f"giving up to increase session quota for {env_service.name} session after {ENV_SESSION_ATTEMPTS} attempts")
