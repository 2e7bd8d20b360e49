"""Session states (Session_state), their phases, ID spaces and the registry
of every session a system ever had."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .args import ArgString, cap_quota, ram_quota

if TYPE_CHECKING:
    from .services import Service

ALIVE = {"AVAILABLE", "CAP_HANDED_OUT", "UPGRADE_REQUESTED", "CLOSE_REQUESTED"}
CLOSED = {"SERVICE_DENIED", "INSUFFICIENT_RAM_QUOTA", "INSUFFICIENT_CAP_QUOTA", "CLOSED"}
CREATION_FAILURES = {
    "SERVICE_DENIED": "denied",
    "INSUFFICIENT_RAM_QUOTA": "insufficientRam",
    "INSUFFICIENT_CAP_QUOTA": "insufficientCaps",
}
# Phases whose notification is delivered once the client installs its session signal handler.
NOTIFICATION_PENDING = {"AVAILABLE", "INSUFFICIENT_RAM_QUOTA", "INSUFFICIENT_CAP_QUOTA", "SERVICE_DENIED"}

ENV_SESSION_IDS = {"pd": 1, "cpu": 2, "log": 3, "binary": 4, "linker": 5}


def alive(phase: str) -> bool:
    return phase in ALIVE


def closed(phase: str) -> bool:
    return phase in CLOSED


def creation_failure(phase: str) -> str | None:
    """The error a failed creation is reported as, or None."""
    return CREATION_FAILURES.get(phase)


def is_env_session_id(session_id: int) -> bool:
    return session_id in ENV_SESSION_IDS.values()


class IdSpace:
    """Numbered elements (Id_space). Allocated IDs count up from 1 and are
    not reused until the counter passes them again."""

    def __init__(self) -> None:
        self.elements: dict[int, object] = {}
        self.last_allocated = 0

    def insert(self, element_id: int, element: object) -> bool:
        if element_id in self.elements:
            return False
        self.elements[element_id] = element
        return True

    def allocate(self, element: object) -> int:
        self.last_allocated += 1
        while self.last_allocated in self.elements:
            self.last_allocated += 1
        self.elements[self.last_allocated] = element
        return self.last_allocated

    def remove(self, element_id: int) -> None:
        self.elements.pop(element_id, None)

    def lookup(self, element_id: int):
        return self.elements.get(element_id)

    def ascending(self) -> list:
        return sorted(self.elements.items())

    def any(self):
        """The element with the lowest ID, as the seed's apply_any loops take one."""
        return self.elements[min(self.elements)] if self.elements else None


class SessionRegistry:
    """The sessions that exist (in creation order) and every phase every
    session ever entered, under keys s1, s2, ..."""

    def __init__(self) -> None:
        self.last_key = 0
        self.live: dict[str, SessionState] = {}
        self.phases: dict[str, list[str]] = {}

    def register(self, session: SessionState, phase: str) -> str:
        self.last_key += 1
        key = f"s{self.last_key}"
        self.live[key] = session
        self.phases[key] = [phase]
        return key

    def entered(self, key: str, phase: str) -> None:
        self.phases[key].append(phase)

    def destroyed(self, session: SessionState) -> None:
        del self.live[session.key]
        self.entered(session.key, "DESTROYED")


class SessionState:
    """The parent's record of one session: service, IDs at client and
    server, phase, cap, donated quota, callbacks."""

    def __init__(self, registry: SessionRegistry, service: Service, client: str, client_ids: IdSpace,
                 session_id: int, label: str, args: ArgString, env: str | None) -> None:
        self.registry = registry
        self.service = service
        self.client = client
        self.label = label
        self.args = str(args)
        self.env = env
        self.cap = False
        self.async_client_notify = False
        self.ready_callback = None
        self.closed_callback = None
        self.id_at_parent: int | None = None
        self.phase = "CREATE_REQUESTED"
        self.donated_ram = ram_quota(args)
        self.donated_caps = cap_quota(args)
        self.ram_upgrade = 0
        self.cap_upgrade = 0
        self.client_ids: IdSpace | None = client_ids
        self.id_at_client: int | None = session_id
        self.server_ids: IdSpace | None = None
        self.id_at_server: int | None = None
        self.destroyed = False
        self.key = registry.register(self, self.phase)

    @staticmethod
    def create(registry: SessionRegistry, service: Service, client: str, client_ids: IdSpace,
               session_id: int, label: str, args: ArgString, env: str | None = None):
        """A new state in CREATE_REQUESTED under the client's ID, or the
        existing session if the ID is taken (Conflicting_id)."""
        existing = client_ids.lookup(session_id)
        if existing is not None:
            return None, existing
        session = SessionState(registry, service, client, client_ids, session_id, label, args, env)
        client_ids.insert(session_id, session)
        return session, None

    def enter(self, phase: str) -> None:
        if phase != self.phase:
            self.phase = phase
            self.registry.entered(self.key, phase)

    def client_exists(self) -> bool:
        return self.id_at_client is not None

    def increase_donated_quota(self, ram: int, caps: int) -> None:
        self.donated_ram += ram
        self.donated_caps += caps
        self.ram_upgrade = ram
        self.cap_upgrade = caps

    def confirm_upgrade(self) -> None:
        self.ram_upgrade = 0
        self.cap_upgrade = 0

    def assign_server_id(self, server_ids: IdSpace) -> None:
        assert self.id_at_server is None, f"session {self.key} already has a server ID"
        self.server_ids = server_ids
        self.id_at_server = server_ids.allocate(self)

    def discard_id_at_client(self) -> None:
        if self.client_ids is not None and self.id_at_client is not None:
            self.client_ids.remove(self.id_at_client)
        self.client_ids = None
        self.id_at_client = None

    def destroy(self) -> None:
        assert not self.destroyed, f"session {self.key} destroyed twice"
        self.discard_id_at_client()
        if self.server_ids is not None and self.id_at_server is not None:
            self.server_ids.remove(self.id_at_server)
        self.server_ids = None
        self.id_at_server = None
        self.destroyed = True
        self.registry.destroyed(self)

    def view(self) -> dict:
        service = self.service
        return {
            "key": self.key,
            "client": self.client,
            "clientId": self.id_at_client,
            "server": service.server,
            "serverId": self.id_at_server,
            "service": service.name,
            "serviceKind": service.kind,
            "serviceAccount": service.account_name,
            "env": self.env,
            "label": self.label,
            "args": self.args,
            "phase": self.phase,
            "cap": self.cap,
            "donated": {"ram": self.donated_ram, "caps": self.donated_caps},
            "asyncClientNotify": self.async_client_notify,
            "callbacks": self.ready_callback is not None and self.closed_callback is not None,
        }

    def __str__(self) -> str:
        return f'{self.service.name} session "{self.label}" ({self.phase})'
