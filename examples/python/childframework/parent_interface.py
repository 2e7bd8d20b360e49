"""The long protocols of a child's parent interface, as in the seed:
session, session_cap, upgrade, close, the reverting of a session's quota,
the server's session_response and deliver_session_cap, and
close_all_sessions. Each takes the Child it runs for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .args import (ArgString, cap_quota, label_of, prefixed_label, ram_quota, valid_service_name,
                   valid_session_args)
from .quota import Transaction, caps, out_of, ram, unit_name
from .session import ENV_SESSION_IDS, SessionState, alive, creation_failure, is_env_session_id

if TYPE_CHECKING:
    from .child import Child

INVALID_CAP = {"kind": "cap", "valid": False}
UPGRADE_DONE = {"kind": "upgrade", "result": "done"}
UPGRADE_PENDING = {"kind": "upgrade", "result": "pending"}
CLOSE_DONE = {"kind": "close", "result": "done"}
CLOSE_PENDING = {"kind": "close", "result": "pending"}


def error(name: str) -> dict:
    return {"kind": "error", "error": name}


def request_session(child: Child, session_id: int, service_name: str, raw_args: str) -> dict:
    """Child::session: a cap (valid if the service answered at once) or an error."""
    parent = child.parent

    # Reject invalid strings and requests after the PD was closed.
    if not valid_service_name(service_name) or not valid_session_args(raw_args) or child.pd_closed:
        return error("denied")

    # Prefix the label with the child's name; let the policy filter the arguments.
    client_args = ArgString.parse(raw_args)
    label = prefixed_label(child.name, label_of(client_args))
    args = child.policy.filter_session_args(client_args.set_string("label", label))
    cap_amount = cap_quota(args)
    ram_amount = ram_quota(args)

    # Keep the session cost for the parent's meta data; forward the rest.
    if ram_amount < parent.session_cost:
        return error("insufficientRam")
    forward_ram = ram_amount - parent.session_cost
    args = args.set("ram_quota", forward_ram)

    # Route the request.
    route = child.policy.resolve_session_request(service_name, label)
    if route is None:
        return error("denied")
    service, route_label = route
    args = args.set("diag", 0)

    # Create the session state under the client's ID.
    session, existing = SessionState.create(parent.sessions, service, child.name, child.id_space,
                                            session_id, route_label, args)
    if session is None:
        parent.diagnostics.error(
            f"{child.name} requested conflicting session ID {session_id} (service={service.name} args={args})")
        parent.diagnostics.error(f"existing session: {existing}")
        return error("denied")
    session.ready_callback = child
    session.closed_callback = child

    # Move the quota in one transaction: all of it from the child to the
    # reference account, the forwarded part on to the service.
    reference = parent.reference
    donation = Transaction(parent.journal, parent.diagnostics)
    exceeded = donation.transfer_all([
        (ram(ram_amount), child.account, reference),
        (caps(cap_amount), child.account, reference),
        (ram(forward_ram), reference, service.account),
        (caps(cap_amount), reference, service.account),
    ])
    if exceeded is not None:
        donation.rollback()
        session.destroy()
        return error(out_of(exceeded.resource))
    donation.commit()

    # Let the service handle the request synchronously if it can.
    service.initiate_request(session)
    failure = creation_failure(session.phase)
    if failure is not None:
        revert_quota_and_destroy(child, session)
        return error(failure)

    # Take the cap before an asynchronous service is woken, then hand it out.
    cap = session.cap
    if session.phase == "CREATE_REQUESTED":
        service.wakeup()
    if cap:
        session.enter("CAP_HANDED_OUT")
    return {"kind": "cap", "valid": cap}


def request_session_cap(child: Child, session_id: int) -> dict:
    """Child::session_cap: hands out the cap after an asynchronous answer,
    or reports (and reverts) a failed creation."""
    session = child.id_space.lookup(session_id)
    if session is None:
        child.parent.diagnostics.warning(f"{child.name} requested session cap for unknown ID")
        return INVALID_CAP

    failure = creation_failure(session.phase)
    if failure is not None:
        revert_quota_and_destroy(child, session)
        return error(failure)

    if not alive(session.phase):
        child.parent.diagnostics.warning(f"{child.name}: attempt to request cap for unavailable session: {session}")
    if session.cap:
        session.enter("CAP_HANDED_OUT")
    return {"kind": "cap", "valid": session.cap}


def upgrade_session(child: Child, session_id: int, raw_args: str) -> dict:
    """Child::upgrade: only a session in CAP_HANDED_OUT is upgraded."""
    parent = child.parent
    if not valid_session_args(raw_args):
        parent.diagnostics.warning("no valid session-upgrade arguments")
        return UPGRADE_DONE

    # Ignore requests that arrive after close_all_sessions, and unknown IDs.
    if child.pd_closed:
        return UPGRADE_PENDING
    session = child.id_space.lookup(session_id)
    if session is None:
        return UPGRADE_PENDING
    if session.phase != "CAP_HANDED_OUT":
        parent.diagnostics.warning("attempt to upgrade session in invalid state")
        return UPGRADE_PENDING
    args = ArgString.parse(raw_args)
    ram_amount, cap_amount = ram_quota(args), cap_quota(args)

    # Move the quota from the child through the reference account to the service.
    service = session.service
    donation = Transaction(parent.journal, parent.diagnostics)
    exceeded = donation.transfer_all([
        (ram(ram_amount), child.account, parent.reference),
        (caps(cap_amount), child.account, parent.reference),
        (ram(ram_amount), parent.reference, service.account),
        (caps(cap_amount), parent.reference, service.account),
    ])
    if exceeded is not None:
        donation.rollback()
        parent.diagnostics.warning(f"{child.name}: {unit_name(exceeded.resource)} upgrade of {service.name} failed")
        return error(out_of(exceeded.resource))

    # Record the upgrade and hand it to the service, then acknowledge the transaction.
    session.increase_donated_quota(ram_amount, cap_amount)
    session.enter("UPGRADE_REQUESTED")
    service.initiate_request(session)
    donation.commit()

    if session.phase == "CAP_HANDED_OUT":
        return UPGRADE_DONE
    service.wakeup()
    return UPGRADE_PENDING


def close_session(child: Child, session_id: int) -> dict:
    """Child::close: environment IDs are refused, unknown IDs ignored."""
    if is_env_session_id(session_id):
        return CLOSE_DONE
    session = child.id_space.lookup(session_id)
    return CLOSE_DONE if session is None else close_session_state(child, session)


def close_session_state(child: Child, session: SessionState) -> dict:
    """Child::_close: done at once for a failed creation or a service that
    closed at once; otherwise pending until the server answers `closed`."""
    if creation_failure(session.phase) is not None:
        revert_quota_and_destroy(child, session)
        return CLOSE_DONE

    if alive(session.phase):
        session.enter("CLOSE_REQUESTED")
        session.service.initiate_request(session)

    if session.phase == "CLOSED":
        revert_quota_and_destroy(child, session)
        return CLOSE_DONE

    session.discard_id_at_client()
    session.service.wakeup()
    return CLOSE_PENDING


def revert_quota_and_destroy(child: Child, session: SessionState) -> None:
    """Returns a session's quota to `child` in one transaction: the donated
    quota from the service to the reference account, then the donated RAM
    plus the session cost, and the caps, on to the child's PD. If any
    transfer fails, all are undone with a warning; the state goes anyway."""
    parent = child.parent
    service_account = session.service.account
    revert = Transaction(parent.journal, parent.diagnostics)
    exceeded = revert.transfer_all([
        (ram(session.donated_ram), service_account, parent.reference),
        (caps(session.donated_caps), service_account, parent.reference),
        (ram(session.donated_ram + parent.session_cost), parent.reference, child.account),
        (caps(session.donated_caps), parent.reference, child.account),
    ])
    if exceeded is not None:
        revert.rollback()
        parent.diagnostics.warning(
            f"{child.name}: could not revert session {unit_name(exceeded.resource)} quota ({session})")
    else:
        revert.commit()
    session.destroy()


_FAILED_PHASES = {"denied": "SERVICE_DENIED", "insufficientRam": "INSUFFICIENT_RAM_QUOTA",
                  "insufficientCaps": "INSUFFICIENT_CAP_QUOTA"}


def respond_to_session(server: Child, server_id: int, response: str) -> None:
    """Child::session_response, called by a serving child with its server-side ID."""
    session = server.server_ids.lookup(server_id)
    if session is None:
        server.parent.diagnostics.warning("unexpected session response for unknown session")
        return

    if response == "closed":
        session.enter("CLOSED")
        if session.closed_callback is not None:
            session.closed_callback.session_closed(session)
        else:
            _return_quota_of_vanished_client(server, session)
    elif response in _FAILED_PHASES:
        session.enter(_FAILED_PHASES[response])
        if session.ready_callback is not None:
            session.ready_callback.session_ready(session)
    elif response == "ok" and session.phase == "UPGRADE_REQUESTED":
        session.enter("CAP_HANDED_OUT")
        if session.ready_callback is not None:
            session.ready_callback.session_ready(session)


def _return_quota_of_vanished_client(server: Child, session: SessionState) -> None:
    """The client is gone: the donated quota goes back from the server to
    the reference account only."""
    parent = server.parent
    refund = Transaction(parent.journal, parent.diagnostics)
    exceeded = refund.transfer_all([
        (ram(session.donated_ram), session.service.account, parent.reference),
        (caps(session.donated_caps), session.service.account, parent.reference),
    ])
    if exceeded is not None:
        refund.rollback()
        amount = ram(session.donated_ram) if exceeded.resource == "ram" else caps(session.donated_caps)
        parent.diagnostics.warning(
            f"{server.name} failed to return session {unit_name(exceeded.resource)} quota ({amount})")
    else:
        refund.commit()
    session.destroy()


def deliver_session_cap(server: Child, server_id: int) -> None:
    """Child::deliver_session_cap: only a session in CREATE_REQUESTED takes
    the cap; one whose client vanished is asked to close instead."""
    session = server.server_ids.lookup(server_id)
    if session is None or session.phase != "CREATE_REQUESTED":
        return
    if session.cap:
        server.parent.diagnostics.error(f"{server.name}: attempt to assign session cap twice")
        return
    if not session.client_exists():
        session.enter("CLOSE_REQUESTED")
        session.service.initiate_request(session)
        return
    session.cap = True
    session.enter("AVAILABLE")
    if session.ready_callback is not None:
        session.ready_callback.session_ready(session)


_ENV_DISCARD_ORDER = ("cpu", "pd", "log", "binary", "linker")


def close_all_sessions(child: Child) -> None:
    """close_all_sessions in the 19.x order, with the PD closed before the
    remaining sessions. Where the seed takes any session, the lowest ID is
    taken."""

    # 1. The child's non-environment CPU sessions.
    session_id = _any_cpu_session_id(child)
    while session_id != 0:
        close_session(child, session_id)
        session_id = _any_cpu_session_id(child)

    # 2. The initial thread, then the CPU environment session.
    child.destruct_initial_thread()
    child.env["cpu"].destruct()

    # 3. The sessions the child serves to others, reverted on its own account.
    served = child.server_ids.any()
    while served is not None:
        revert_quota_and_destroy(child, served)
        served = child.server_ids.any()

    # 4. Close requests for LOG, binary, linker and PD; the PD's balance returns to the reference account.
    child.env["log"].close()
    child.env["binary"].close()
    if child.env["linker"] is not None:
        child.env["linker"].close()
    child.close_pd_session()

    # 5. The client IDs of the environment sessions are dropped.
    for env in _ENV_DISCARD_ORDER:
        session = child.id_space.lookup(ENV_SESSION_IDS[env])
        if session is not None:
            session.discard_id_at_client()

    # 6. Every remaining session is closed with its callbacks cleared.
    session = child.id_space.any()
    while session is not None:
        session.closed_callback = None
        session.ready_callback = None
        close_session_state(child, session)
        session = child.id_space.any()


def _any_cpu_session_id(child: Child) -> int:
    for session_id, session in child.id_space.ascending():
        if session.service.name == "CPU" and not is_env_session_id(session_id):
            return session_id
    return 0
