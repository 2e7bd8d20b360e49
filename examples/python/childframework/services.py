"""What a session is routed to: a local service, a parent service (served
upstream by the parent's parent), or a service of another child.

Every service has `name`, `kind`, `account` (where donated quota goes),
`account_name` and `server` (for the observation), `initiate_request(session)`
and `wakeup()`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .quota import Account, Diagnostics, Journal, Transaction, caps, ram, unit_name
from .session import IdSpace, SessionState

if TYPE_CHECKING:
    from .child import Child


class AnswerQueue:
    """The answers a local service's factory or upstream gives to its next
    requests (the setAnswers operation); an empty queue answers 'ok'."""

    def __init__(self) -> None:
        self.queue: list[str] = []

    def set(self, answers: list[str]) -> None:
        self.queue = list(answers)

    def next(self) -> str:
        return self.queue.pop(0) if self.queue else "ok"


class LocalService:
    """A service inside the parent. It answers at once; only creation takes
    an answer from the queue. Its account has no capability, so quota
    donated to it stays at the reference account."""

    kind = "local"
    account_name = None
    server = None

    def __init__(self, name: str, answers: AnswerQueue) -> None:
        self.name = name
        self.answers = answers
        self.account = Account.without_capability(f"local:{name}")

    def initiate_request(self, session: SessionState) -> None:
        if session.phase == "CREATE_REQUESTED":
            answer = self.answers.next()
            if answer == "ok":
                session.cap = True
                session.enter("AVAILABLE")
            elif answer == "insufficientRam":
                session.enter("INSUFFICIENT_RAM_QUOTA")
            elif answer == "insufficientCaps":
                session.enter("INSUFFICIENT_CAP_QUOTA")
            else:  # denied, outOfRam, outOfCaps
                session.enter("SERVICE_DENIED")
        elif session.phase == "UPGRADE_REQUESTED":
            session.enter("CAP_HANDED_OUT")
            session.confirm_upgrade()
        elif session.phase == "CLOSE_REQUESTED":
            session.enter("CLOSED")

    def wakeup(self) -> None:
        pass


class Upstream:
    """The parent's parent. A session there has a parent-side ID; what is
    donated for it moves from the reference account to upstream and comes
    back, exactly, when it is closed."""

    def __init__(self, account: Account, reference: Account, journal: Journal, diagnostics: Diagnostics) -> None:
        self.account = account
        self.reference = reference
        self.journal = journal
        self.diagnostics = diagnostics
        self.sessions = IdSpace()

    def open(self) -> int:
        return self.sessions.allocate({"ram": 0, "caps": 0})

    def donate(self, session_id: int, ram_amount: int, cap_amount: int):
        """Moves the quota from the reference account to upstream, all or
        nothing; returns QuotaExceeded if the reference account is short."""
        held = self.sessions.lookup(session_id)
        donation = Transaction(self.journal, self.diagnostics)
        exceeded = donation.transfer_all([
            (ram(ram_amount), self.reference, self.account),
            (caps(cap_amount), self.reference, self.account),
        ])
        if exceeded is not None:
            donation.rollback()
            return exceeded
        donation.commit()
        held["ram"] += ram_amount
        held["caps"] += cap_amount
        return None

    def close(self, session_id: int) -> None:
        held = self.sessions.lookup(session_id)
        refund = Transaction(self.journal, self.diagnostics)
        exceeded = refund.transfer_all([
            (ram(held["ram"]), self.account, self.reference),
            (caps(held["caps"]), self.account, self.reference),
        ])
        if exceeded is not None:
            refund.rollback()
            self.diagnostics.warning(f"upstream could not return the {exceeded.resource} quota of session {session_id}")
        else:
            refund.commit()
        self.sessions.remove(session_id)

    def release(self, session_id: int) -> None:
        self.sessions.remove(session_id)


_REFUSALS = {"insufficientRam": "INSUFFICIENT_RAM_QUOTA", "insufficientCaps": "INSUFFICIENT_CAP_QUOTA"}


class ParentService:
    """A service the parent forwards to upstream. It answers at once."""

    kind = "parent"
    server = None

    def __init__(self, name: str, upstream: Upstream, answers: AnswerQueue, diagnostics: Diagnostics) -> None:
        self.name = name
        self.upstream = upstream
        self.answers = answers
        self.diagnostics = diagnostics
        self.account = Account.without_capability(f"parent:{name}")
        self.account_name = upstream.account.name

    def initiate_request(self, session: SessionState) -> None:
        if session.phase == "CREATE_REQUESTED":
            self._create(session)
        elif session.phase == "UPGRADE_REQUESTED":
            self._upgrade(session)
        elif session.phase == "CLOSE_REQUESTED":
            self._close(session)

    def wakeup(self) -> None:
        pass

    def _create(self, session: SessionState) -> None:
        session_id = self.upstream.open()
        session.id_at_parent = session_id
        answer = self.answers.next()
        if answer == "ok":
            if self.upstream.donate(session_id, session.donated_ram, session.donated_caps) is None:
                session.cap = True
                session.enter("AVAILABLE")
                return
        self.upstream.release(session_id)
        session.id_at_parent = None
        # An 'ok' that could not be paid, a denial and out of quota upstream are all a denial.
        session.enter(_REFUSALS.get(answer, "SERVICE_DENIED"))

    def _upgrade(self, session: SessionState) -> None:
        if session.id_at_parent is None:
            self.diagnostics.error(f"invalid parent-session state: {session}")
        else:
            self._donate_upgrade(session.id_at_parent, session)
        session.confirm_upgrade()
        session.enter("CAP_HANDED_OUT")

    def _donate_upgrade(self, session_id: int, session: SessionState) -> None:
        answer = self.answers.next()
        if answer == "outOfRam":
            self.diagnostics.warning("RAM quota exceeded while upgrading parent session")
        elif answer == "outOfCaps":
            self.diagnostics.warning("cap quota exceeded while upgrading parent session")
        else:
            exceeded = self.upstream.donate(session_id, session.ram_upgrade, session.cap_upgrade)
            if exceeded is not None:
                self.diagnostics.warning(f"{unit_name(exceeded.resource)} quota exceeded while upgrading parent session")

    def _close(self, session: SessionState) -> None:
        if session.id_at_parent is not None:
            self.upstream.close(session.id_at_parent)
            session.id_at_parent = None
        session.enter("CLOSED")


class ChildService:
    """A service of another child (an async service): a request gets an ID
    in the server's ID space and waits for the server's answer. Wake-ups
    are counted for the observation."""

    kind = "child"

    def __init__(self, name: str, server: Child) -> None:
        self.name = name
        self.endpoint = server
        self.wakeups = 0

    @property
    def account(self) -> Account:
        return self.endpoint.account

    @property
    def account_name(self) -> str:
        return self.endpoint.account.name

    @property
    def server(self) -> str:
        return self.endpoint.name

    def initiate_request(self, session: SessionState) -> None:
        if session.id_at_server is None:
            session.assign_server_id(self.endpoint.server_ids)
        session.async_client_notify = True

    def wakeup(self) -> None:
        self.wakeups += 1
