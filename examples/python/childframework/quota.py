"""Accounts, transactional quota transfers and the quota journal.

Amounts are plain ints tagged with their resource ('ram' in bytes, 'caps'
as a count), so that RAM and caps are never mixed up in a transfer.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Amount:
    """An amount of one resource: 'ram' (bytes) or 'caps' (a count)."""

    resource: str
    value: int

    def __str__(self) -> str:
        return f"{self.value} bytes" if self.resource == "ram" else f"{self.value} caps"


def ram(value: int) -> Amount:
    return Amount("ram", value)


def caps(value: int) -> Amount:
    return Amount("caps", value)


class StepClock:
    """The number of operations applied so far; 0 while the system is built."""

    def __init__(self) -> None:
        self.step = 0

    def advance(self) -> None:
        self.step += 1

    def retract(self) -> None:
        """Takes back the step of an operation refused as misuse."""
        self.step -= 1


class Diagnostics:
    """The warnings and errors the parent reports, each with its step."""

    def __init__(self, clock: StepClock) -> None:
        self.clock = clock
        self.entries: list[dict] = []

    def warning(self, message: str) -> None:
        self.entries.append({"step": self.clock.step, "level": "warning", "message": message})

    def error(self, message: str) -> None:
        self.entries.append({"step": self.clock.step, "level": "error", "message": message})


class Journal:
    """Every quota movement, in numbered transactions that each end once."""

    def __init__(self, clock: StepClock) -> None:
        self.clock = clock
        self.entries: list[dict] = []
        self.last_txn = 0

    def begin(self) -> int:
        self.last_txn += 1
        return self.last_txn

    def record_move(self, txn: int, source: str, target: str, amount: Amount, undo: bool) -> None:
        self.entries.append({
            "kind": "move", "step": self.clock.step, "txn": txn, "from": source, "to": target,
            "resource": amount.resource, "amount": amount.value, "undo": undo,
        })

    def record_end(self, txn: int, outcome: str) -> None:
        self.entries.append({"kind": "end", "step": self.clock.step, "txn": txn, "outcome": outcome})


class Account:
    """A quota account: the reference account, upstream, or a child's PD.

    Transfers are legal only between an account and its reference account.
    An account without a valid capability (a local or parent service's, a
    PD not yet set up or already closed) takes part in no transfer at all.
    """

    def __init__(self, name: str, ram_balance: int, cap_balance: int, valid: bool,
                 reference: Account | None) -> None:
        self.name = name
        self.balances = {"ram": ram_balance, "caps": cap_balance}
        self.valid = valid
        self.reference = reference

    @staticmethod
    def open(name: str, ram_balance: int, cap_balance: int, reference: Account | None) -> Account:
        return Account(name, ram_balance, cap_balance, True, reference)

    @staticmethod
    def without_capability(name: str) -> Account:
        return Account(name, 0, 0, False, None)

    def validate(self, reference: Account) -> None:
        self.valid = True
        self.reference = reference

    def invalidate(self) -> None:
        self.valid = False

    def check_transfer(self, amount: Amount, to: Account) -> str:
        """What a transfer to `to` would do: 'allowed', 'invalidSide',
        'selfTransfer', 'unrelated' (all three move nothing, silently) or
        'insufficient' (out of RAM or caps)."""
        if not self.valid or not to.valid:
            return "invalidSide"
        if self is to:
            return "selfTransfer"
        if self.reference is not to and to.reference is not self:
            return "unrelated"
        return "insufficient" if self.balances[amount.resource] < amount.value else "allowed"

    def move_to(self, amount: Amount, to: Account) -> None:
        self.balances[amount.resource] -= amount.value
        to.balances[amount.resource] += amount.value


class QuotaExceeded:
    """A transfer whose donor had too little; nothing moved."""

    def __init__(self, resource: str) -> None:
        self.resource = resource


class Transaction:
    """Quota transfers that all stay (commit) or are all undone (rollback),
    like the seed's groups of Ram_transfer/Cap_transfer objects.

    Each transfer happens when it is made. Rollback asks each receiver to
    give its amount back, newest first; a give-back that fails only warns.
    """

    def __init__(self, journal: Journal, diagnostics: Diagnostics) -> None:
        self.journal = journal
        self.diagnostics = diagnostics
        self.txn = journal.begin()
        self.done: list[tuple[Amount, Account, Account]] = []
        self.ended = False

    def transfer(self, amount: Amount, source: Account, target: Account) -> QuotaExceeded | None:
        """Performs one transfer; returns QuotaExceeded if the donor has too little."""
        assert not self.ended, f"transaction {self.txn} has already ended"
        check = source.check_transfer(amount, target)
        if check == "insufficient":
            return QuotaExceeded(amount.resource)
        if check == "allowed" and amount.value > 0:
            source.move_to(amount, target)
            self.journal.record_move(self.txn, source.name, target.name, amount, False)
        self.done.append((amount, source, target))
        return None

    def transfer_all(self, moves: list[tuple[Amount, Account, Account]]) -> QuotaExceeded | None:
        """Performs the moves in order, stopping at the first that exceeds its donor's quota."""
        for amount, source, target in moves:
            exceeded = self.transfer(amount, source, target)
            if exceeded is not None:
                return exceeded
        return None

    def commit(self) -> None:
        assert not self.ended, f"transaction {self.txn} has already ended"
        self.ended = True
        self.journal.record_end(self.txn, "commit")

    def rollback(self) -> None:
        assert not self.ended, f"transaction {self.txn} has already ended"
        self.ended = True
        for amount, source, target in reversed(self.done):
            check = target.check_transfer(amount, source)
            if check == "allowed":
                if amount.value > 0:
                    target.move_to(amount, source)
                    self.journal.record_move(self.txn, target.name, source.name, amount, True)
            elif check == "insufficient":
                self.diagnostics.warning(f"failed to revert quota transfer of {amount} from {target.name}")
        self.journal.record_end(self.txn, "rollback")


def out_of(resource: str) -> str:
    """The error a failed transfer surfaces as."""
    return "outOfRam" if resource == "ram" else "outOfCaps"


def unit_name(resource: str) -> str:
    return "RAM" if resource == "ram" else "cap"
