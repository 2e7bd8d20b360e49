/**
 * The lifecycle of one session state, from the client's request to its
 * destruction: the specification of `Session_state` and of every path the
 * seed takes through its phases.
 *
 * States are the nine phases, plus `idle` (no session state yet) and
 * `destroyed`. Phases that the seed passes through within a single call
 * (`CLOSED`, and the synchronous answers of local and parent services) are
 * states left by an eventless transition, so the path of phases within one
 * call is part of the specification and can be compared with what an
 * implementation went through.
 *
 * The context is finite: which kind of service serves the session, what
 * became of its client, whether the server spent the quota donated to it,
 * the answer still to be carried out within the current call, and what the
 * call must do besides changing the phase: the result it returns, whether
 * it signals the client, whether it wakes the serving child, and what the
 * parent reports. Quota amounts are not part of it; the invariants check
 * them on the implementation.
 */
import { and, assign, not, setup } from 'xstate';

import type { ReportLevel as Report } from './reportLevel.ts';

import type {
  CallError,
  CallResult,
  ServiceAnswer,
  ServiceKind,
  SessionResponse,
  UpstreamAnswer,
} from '../impl/contract.ts';

/** Why a request ends before or right after its session state exists. */
export type Refusal =
  /** RAM quota below the session cost: refused before routing, no state. */
  | 'belowSessionCost'
  /** The policy routes the request nowhere: no state. */
  | 'routeDenied'
  /** Args longer than a valid `Session_args` string: no state. */
  | 'invalidArgs'
  /** The client cannot pay the RAM: the state is created, then destroyed. */
  | 'outOfRam'
  /** The client cannot pay the caps: the state is created, then destroyed. */
  | 'outOfCaps';

/** The answers upstream can give besides 'ok' that do not stop an upgrade. */
export type UpstreamRefusal = Exclude<ServiceAnswer, 'ok'>;

export type SessionEvent =
  /* the client */
  /* a local service's factory may be told to run out of quota too, which the parent takes as a denial */
  | { type: 'session'; service: 'local' | 'parent'; answer: UpstreamAnswer }
  /* `atCost`: the RAM quota equals the session cost, so nothing is forwarded to the server */
  | { type: 'session'; service: 'child'; atCost?: boolean }
  | { type: 'sessionRefused'; reason: Refusal }
  | { type: 'sessionConflict' }
  | { type: 'sessionSigh' }
  | { type: 'sessionSighInvalid' }
  | { type: 'sessionCap' }
  /*
   * `upstream`: a refusal upstream gives a parent-service upgrade. Only
   * running out of quota keeps the upgrade from upstream (see
   * `upgradeRefusedUpstream`); any other answer moves it, so the machine
   * takes it as a plain upgrade.
   */
  | { type: 'upgrade'; funded: boolean; upstream?: UpstreamRefusal }
  | { type: 'upgradeRefusedUpstream'; answer: 'outOfRam' | 'outOfCaps' }
  /* arguments that are no valid `Session_args` string: refused before the ID is looked up */
  | { type: 'upgradeInvalidArgs' }
  | { type: 'close' }
  /* the serving child */
  | { type: 'deliverSessionCap' }
  | { type: 'sessionResponse'; response: SessionResponse }
  /*
   * The serving child spends what it holds, donated quota included, on a
   * session of its own, so that giving the donation back from its PD fails
   * from then on.
   */
  | { type: 'serverSpends' }
  /* the serving child answers a server-side ID it never handed out */
  | { type: 'answerUnknownId'; response: 'cap' | SessionResponse }
  /* the parent destroys a child */
  | { type: 'destroyClient' }
  | { type: 'destroyServer' };

/**
 * What became of the client: `present` holds the session's ID; `idDiscarded`
 * closed it and let the ID go while the server still answers; `vanished` was
 * destroyed while holding the ID, which also cleared the session's callbacks;
 * `destroyedAfterClose` was destroyed after letting the ID go, so the
 * callbacks stay and still reach the dead client's closed PD.
 */
export type ClientStatus = 'present' | 'idDiscarded' | 'vanished' | 'destroyedAfterClose';

/** The part of a call still to be carried out after the phase it set. */
export type Pending =
  | 'none'
  | 'handOut'
  | 'deny'
  | 'denyRam'
  | 'denyCaps'
  | 'revert'
  | 'discard'
  | 'closeNow'
  | 'upgraded';


export interface SessionContext {
  service: ServiceKind | null;
  client: ClientStatus;
  /** Whether the client installed a session signal handler (`session_sigh`). */
  sigh: boolean;
  /** Whether the server spent the quota donated to it, so that returning it from the server fails. */
  serverSpent: boolean;
  pending: Pending;
  /** What the last call must return; not part of the state's identity. */
  result: CallResult;
  /** Whether the last call must submit a session signal to the client; not part of the state's identity. */
  signal: boolean;
  /** What the parent must report during the last call; not part of the state's identity. */
  report: Report;
  /**
   * Whether the last call must wake the serving child (`wakeup` of an async
   * service): a request, upgrade or close left for the server to handle.
   * Not part of the state's identity.
   */
  wakeup: boolean;
}

const none: CallResult = { kind: 'none' };
const capValid: CallResult = { kind: 'cap', valid: true };
const capInvalid: CallResult = { kind: 'cap', valid: false };
const upgradeDone: CallResult = { kind: 'upgrade', result: 'done' };
const upgradePending: CallResult = { kind: 'upgrade', result: 'pending' };
const closeDone: CallResult = { kind: 'close', result: 'done' };
const closePending: CallResult = { kind: 'close', result: 'pending' };

/** Whether the client child still exists. */
function clientAlive(client: ClientStatus): boolean {
  switch (client) {
    case 'present':
    case 'idDiscarded':
      return true;
    case 'vanished':
    case 'destroyedAfterClose':
      return false;
  }
}

function failure(error: CallError): CallResult {
  return { kind: 'error', error };
}

/** The phase a synchronous answer of a local or parent service leads to. */
function pendingFor(answer: UpstreamAnswer): Pending {
  switch (answer) {
    case 'ok':
      return 'handOut';
    case 'denied':
    case 'outOfRam':
    case 'outOfCaps':
      return 'deny';
    case 'insufficientRam':
      return 'denyRam';
    case 'insufficientCaps':
      return 'denyCaps';
  }
}

/** The error a client sees for a synchronous refusal. */
function errorFor(answer: UpstreamAnswer): CallResult {
  switch (answer) {
    case 'ok':
      return none;
    case 'denied':
    case 'outOfRam':
    case 'outOfCaps':
      return failure('denied');
    case 'insufficientRam':
      return failure('insufficientRam');
    case 'insufficientCaps':
      return failure('insufficientCaps');
  }
}

function refusalError(reason: Refusal): CallError {
  switch (reason) {
    case 'belowSessionCost':
      return 'insufficientRam';
    case 'routeDenied':
    case 'invalidArgs':
      return 'denied';
    case 'outOfRam':
      return 'outOfRam';
    case 'outOfCaps':
      return 'outOfCaps';
  }
}

/** The error `sessionCap` reports, and `close` silently clears, for a failed phase. */
const failedPhaseError = {
  SERVICE_DENIED: failure('denied'),
  INSUFFICIENT_RAM_QUOTA: failure('insufficientRam'),
  INSUFFICIENT_CAP_QUOTA: failure('insufficientCaps'),
} as const;

const sessionSetup = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
  },
  guards: {
    synchronous: ({ context }) => context.service === 'local' || context.service === 'parent',
    childService: ({ context }) => context.service === 'child',
    clientPresent: ({ context }) => context.client === 'present',
    clientDiscardedId: ({ context }) => context.client === 'idDiscarded',
    clientGone: ({ context }) => context.client !== 'present' && context.client !== 'idDiscarded',
    clientAlive: ({ context }) => clientAlive(context.client),
    parentService: ({ context }) => context.service === 'parent',
    serverCanSpend: ({ context }) => context.service === 'child' && !context.serverSpent,
    carryingOut: ({ context }) => context.pending !== 'none',
    pending: ({ context }, params: { is: Pending }) => context.pending === params.is,
    answeredSynchronously: ({ event }) => event.type === 'session' && event.service !== 'child',
    requestQueued: ({ event }) => event.type === 'session' && event.service === 'child',
    refusedWithoutState: ({ event }) =>
      event.type === 'sessionRefused' &&
      (event.reason === 'belowSessionCost' ||
        event.reason === 'routeDenied' ||
        event.reason === 'invalidArgs'),
    refusedAfterState: ({ event }) =>
      event.type === 'sessionRefused' && (event.reason === 'outOfRam' || event.reason === 'outOfCaps'),
    funded: ({ event }) => event.type === 'upgrade' && event.funded,
    deliversCap: ({ event }) => event.type === 'answerUnknownId' && event.response === 'cap',
    serverSays: ({ context, event }, params: { response: SessionResponse }) =>
      context.service === 'child' && event.type === 'sessionResponse' && event.response === params.response,
  },
  actions: {
    expect: assign((_, params: { result: CallResult }) => ({
      result: params.result,
      signal: false,
      wakeup: false,
      report: 'none' as Report,
    })),
    /*
     * `session_ready`: a signal if the client has a handler and asked to be
     * notified (async services). A client destroyed after letting go of the
     * ID keeps its callbacks in the seed, where they dangle; here the dead
     * child's handler is gone with it, so nothing is signalled.
     */
    notifyReady: assign(({ context }) => ({
      signal: context.sigh && context.service === 'child' && clientAlive(context.client),
    })),
    /* `session_closed`: a signal if the (living) client has a handler */
    notifyClosed: assign(({ context }) => ({ signal: context.sigh && clientAlive(context.client) })),
    /*
     * `wakeup`: a request, upgrade or close that the service did not handle
     * at once is left to the server, which is woken. Local and parent
     * services answer within the call and have nothing to wake.
     */
    wakeService: assign(({ context }) => ({ wakeup: context.service === 'child' })),
    /* `session_sigh` */
    installSigh: assign({ sigh: true, signal: false, wakeup: false, report: 'none' as Report, result: none }),
    /* `session_sigh` with an invalid capability: no handler, nothing signalled from now on */
    reports: assign((_, params: { level: Report }) => ({ report: params.level })),
    removeSigh: assign({ sigh: false, signal: false, wakeup: false, report: 'none' as Report, result: none }),
    /* `session_sigh` in AVAILABLE or a failed phase: the answer of an async request, still in the client's ID space, is signalled */
    installSighSignallingAnswer: assign(({ context }) => ({
      sigh: true,
      signal: context.service === 'child' && context.client === 'present',
      wakeup: false,
      report: 'none' as Report,
      result: none,
    })),
    carryOut: assign((_, params: { pending: Pending }) => ({ pending: params.pending })),
    /* The server's own request, granted; the donation it held is gone with it. */
    serverSpends: assign({
      serverSpent: true,
      result: capValid,
      signal: false,
      wakeup: false,
      report: 'none' as Report,
    }),
    /*
     * `_revert_quota_and_destroy` or the return to the parent after a
     * vanished client takes the donation back from the server first; after
     * the server spent it that transfer fails, every transfer of the
     * transaction is undone, and the parent warns.
     */
    revertFromServer: assign(({ context }) => ({ report: context.serverSpent ? ('warning' as Report) : context.report })),
    discardClientId: assign({ client: 'idDiscarded' as ClientStatus }),
    clientVanishes: assign({ client: 'vanished' as ClientStatus }),
    clientDestroyedAfterClose: assign({ client: 'destroyedAfterClose' as ClientStatus }),
    requestAnsweredSynchronously: assign(({ event }) => {
      if (event.type !== 'session' || event.service === 'child') return {};
      return {
        service: event.service,
        pending: pendingFor(event.answer),
        result: event.answer === 'ok' ? capValid : errorFor(event.answer),
        signal: false,
        wakeup: false,
      };
    }),
    /* The request waits for the server, which is woken. */
    requestQueued: assign({
      service: 'child' as ServiceKind,
      result: capInvalid,
      signal: false,
      wakeup: true,
    }),
    refused: assign(({ event }) => {
      if (event.type !== 'sessionRefused') return {};
      return { result: failure(refusalError(event.reason)), signal: false, wakeup: false };
    }),
  },
});

export const sessionMachine = sessionSetup.createMachine({
  id: 'session',
  initial: 'idle',
  context: {
    service: null,
    client: 'present',
    sigh: false,
    serverSpent: false,
    pending: 'none',
    result: none,
    signal: false,
    wakeup: false,
    report: 'none',
  },
  states: {
    idle: {
      on: {
        sessionSigh: { actions: 'installSigh' },
        sessionSighInvalid: { actions: 'removeSigh' },
        upgradeInvalidArgs: {
          actions: [{ type: 'expect', params: { result: upgradeDone } }, { type: 'reports', params: { level: 'warning' } }],
        },
        /* A cap for an unknown ID is ignored; a response to one is warned about. */
        answerUnknownId: [
          { guard: 'deliversCap', actions: { type: 'expect', params: { result: none } } },
          { actions: [{ type: 'expect', params: { result: none } }, { type: 'reports', params: { level: 'warning' } }] },
        ],
        session: [
          {
            guard: 'answeredSynchronously',
            target: 'CREATE_REQUESTED',
            actions: 'requestAnsweredSynchronously',
          },
          { guard: 'requestQueued', target: 'CREATE_REQUESTED', actions: 'requestQueued' },
        ],
        sessionRefused: [
          { guard: 'refusedWithoutState', actions: 'refused' },
          {
            guard: 'refusedAfterState',
            target: 'CREATE_REQUESTED',
            actions: ['refused', { type: 'carryOut', params: { pending: 'discard' } }],
          },
        ],
      },
    },

    CREATE_REQUESTED: {
      always: [
        { guard: { type: 'pending', params: { is: 'handOut' } }, target: 'AVAILABLE' },
        { guard: { type: 'pending', params: { is: 'deny' } }, target: 'SERVICE_DENIED' },
        { guard: { type: 'pending', params: { is: 'denyRam' } }, target: 'INSUFFICIENT_RAM_QUOTA' },
        { guard: { type: 'pending', params: { is: 'denyCaps' } }, target: 'INSUFFICIENT_CAP_QUOTA' },
        {
          guard: { type: 'pending', params: { is: 'discard' } },
          target: 'destroyed',
          actions: { type: 'carryOut', params: { pending: 'none' } },
        },
      ],
      on: {
        /* `session_cap` warns about a session that is not alive, and about an unknown ID. */
        sessionCap: [
          {
            guard: 'clientPresent',
            actions: [{ type: 'expect', params: { result: capInvalid } }, { type: 'reports', params: { level: 'warning' } }],
          },
          {
            guard: 'clientDiscardedId',
            actions: [{ type: 'expect', params: { result: capInvalid } }, { type: 'reports', params: { level: 'warning' } }],
          },
        ],
        upgrade: [
          {
            guard: 'clientPresent',
            actions: [{ type: 'expect', params: { result: upgradePending } }, { type: 'reports', params: { level: 'warning' } }],
          },
          {
            guard: 'clientDiscardedId',
            actions: { type: 'expect', params: { result: upgradePending } },
          },
        ],
        close: [
          {
            guard: 'clientPresent',
            actions: ['discardClientId', { type: 'expect', params: { result: closePending } }, 'wakeService'],
          },
          {
            guard: 'clientDiscardedId',
            actions: { type: 'expect', params: { result: closeDone } },
          },
        ],
        deliverSessionCap: [
          {
            guard: 'clientPresent',
            target: 'AVAILABLE',
            actions: [{ type: 'expect', params: { result: none } }, 'notifyReady'],
          },
          { target: 'CLOSE_REQUESTED', actions: { type: 'expect', params: { result: none } } },
        ],
        ...everyPhase().on,
        destroyClient: [
          {
            guard: 'clientPresent',
            actions: ['clientVanishes', { type: 'expect', params: { result: none } }, 'wakeService'],
          },
          {
            guard: 'clientDiscardedId',
            actions: ['clientDestroyedAfterClose', { type: 'expect', params: { result: none } }],
          },
        ],
        destroyServer: { target: 'destroyed', actions: [{ type: 'expect', params: { result: none } }, 'revertFromServer'] },
      },
    },

    AVAILABLE: {
      always: {
        guard: { type: 'pending', params: { is: 'handOut' } },
        target: 'CAP_HANDED_OUT',
        actions: { type: 'carryOut', params: { pending: 'none' } },
      },
      on: {
        ...livingAsyncSession().on,
        ...everyPhase({ answerPending: true }).on,
      },
    },

    CAP_HANDED_OUT: {
      on: {
        sessionCap: {
          guard: 'clientPresent',
          actions: { type: 'expect', params: { result: capValid } },
        },
        upgrade: [
          {
            guard: and(['clientPresent', 'funded', 'synchronous']),
            target: 'UPGRADE_REQUESTED',
            actions: [
              { type: 'carryOut', params: { pending: 'upgraded' } },
              { type: 'expect', params: { result: upgradeDone } },
            ],
          },
          {
            guard: and(['clientPresent', 'funded', 'childService']),
            target: 'UPGRADE_REQUESTED',
            actions: [{ type: 'expect', params: { result: upgradePending } }, 'wakeService'],
          },
          {
            guard: and(['clientPresent', not('funded')]),
            actions: [{ type: 'expect', params: { result: failure('outOfRam') } }, { type: 'reports', params: { level: 'warning' } }],
          },
        ],
        /* Invalid arguments are refused before anything else, with the upgrade done and a warning. */
        upgradeInvalidArgs: {
          guard: 'clientPresent',
          actions: [{ type: 'expect', params: { result: upgradeDone } }, { type: 'reports', params: { level: 'warning' } }],
        },
        /* Upstream running out of quota for an upgrade is only warned about: the upgrade is done. */
        upgradeRefusedUpstream: {
          guard: and(['clientPresent', 'parentService']),
          target: 'UPGRADE_REQUESTED',
          actions: [
            { type: 'carryOut', params: { pending: 'upgraded' } },
            { type: 'expect', params: { result: upgradeDone } },
            { type: 'reports', params: { level: 'warning' } },
          ],
        },
        close: [
          {
            guard: and(['clientPresent', 'synchronous']),
            target: 'CLOSE_REQUESTED',
            actions: [
              { type: 'carryOut', params: { pending: 'closeNow' } },
              { type: 'expect', params: { result: closeDone } },
            ],
          },
          {
            guard: and(['clientPresent', 'childService']),
            target: 'CLOSE_REQUESTED',
            actions: ['discardClientId', { type: 'expect', params: { result: closePending } }, 'wakeService'],
          },
        ],
        deliverSessionCap: {
          guard: 'childService',
          actions: { type: 'expect', params: { result: none } },
        },
        ...everyPhase().on,
        destroyClient: [
          {
            guard: and(['clientPresent', 'synchronous']),
            target: 'CLOSE_REQUESTED',
            actions: ['clientVanishes', { type: 'carryOut', params: { pending: 'closeNow' } }, { type: 'expect', params: { result: none } }],
          },
          {
            guard: and(['clientPresent', 'childService']),
            target: 'CLOSE_REQUESTED',
            actions: ['clientVanishes', { type: 'expect', params: { result: none } }, 'wakeService'],
          },
        ],
        destroyServer: {
          guard: 'childService',
          target: 'destroyed',
          actions: [{ type: 'expect', params: { result: none } }, 'revertFromServer'],
        },
      },
    },

    UPGRADE_REQUESTED: {
      always: {
        guard: { type: 'pending', params: { is: 'upgraded' } },
        target: 'CAP_HANDED_OUT',
        actions: { type: 'carryOut', params: { pending: 'none' } },
      },
      on: {
        /* A valid cap makes `session_cap` set CAP_HANDED_OUT even mid-upgrade. */
        ...livingAsyncSession().on,
        ...everyPhase({ okTarget: 'CAP_HANDED_OUT' }).on,
      },
    },

    CLOSE_REQUESTED: {
      always: {
        guard: { type: 'pending', params: { is: 'closeNow' } },
        target: 'CLOSED',
      },
      on: {
        /* The client let go of its ID: it only hears that the ID is unknown. */
        sessionCap: {
          guard: 'clientDiscardedId',
          actions: [{ type: 'expect', params: { result: capInvalid } }, { type: 'reports', params: { level: 'warning' } }],
        },
        upgrade: {
          guard: 'clientDiscardedId',
          actions: { type: 'expect', params: { result: upgradePending } },
        },
        close: {
          guard: 'clientDiscardedId',
          actions: { type: 'expect', params: { result: closeDone } },
        },
        deliverSessionCap: { actions: { type: 'expect', params: { result: none } } },
        ...everyPhase({ idHeld: false }).on,
        /* The session left the client's ID space with its close: destruction does not reach it. */
        destroyClient: {
          guard: 'clientDiscardedId',
          actions: ['clientDestroyedAfterClose', { type: 'expect', params: { result: none } }],
        },
        destroyServer: { target: 'destroyed', actions: [{ type: 'expect', params: { result: none } }, 'revertFromServer'] },
      },
    },

    SERVICE_DENIED: failedPhase('SERVICE_DENIED'),
    INSUFFICIENT_RAM_QUOTA: failedPhase('INSUFFICIENT_RAM_QUOTA'),
    INSUFFICIENT_CAP_QUOTA: failedPhase('INSUFFICIENT_CAP_QUOTA'),

    /* Every path through CLOSED reverts the quota and destroys the state at once. */
    CLOSED: {
      always: {
        target: 'destroyed',
        actions: { type: 'carryOut', params: { pending: 'none' } },
      },
    },

    destroyed: { type: 'final' },
  },
});

/**
 * What a session at a child service hears from its client and the parent in
 * AVAILABLE and UPGRADE_REQUESTED, which only async sessions rest in: the
 * cap is valid, so `session_cap` hands it out; an upgrade must wait; a close
 * or the client's destruction leaves the close to the server, woken for it.
 */
function livingAsyncSession() {
  return sessionSetup.createStateConfig({
    on: {
      sessionCap: {
        guard: 'clientPresent',
        target: 'CAP_HANDED_OUT',
        actions: { type: 'expect', params: { result: capValid } },
      },
      upgrade: {
        guard: 'clientPresent',
        actions: [{ type: 'expect', params: { result: upgradePending } }, { type: 'reports', params: { level: 'warning' } }],
      },
      close: {
        guard: 'clientPresent',
        target: 'CLOSE_REQUESTED',
        actions: ['discardClientId', { type: 'expect', params: { result: closePending } }, 'wakeService'],
      },
      deliverSessionCap: { actions: { type: 'expect', params: { result: none } } },
      destroyClient: {
        guard: 'clientPresent',
        target: 'CLOSE_REQUESTED',
        actions: ['clientVanishes', { type: 'expect', params: { result: none } }, 'wakeService'],
      },
      destroyServer: { target: 'destroyed', actions: [{ type: 'expect', params: { result: none } }, 'revertFromServer'] },
    },
  });
}

/**
 * A phase in which the session failed: the client learns of it through
 * `session_cap` or clears it with `close`, both reverting the quota at once.
 * Synchronous services pass through these phases within the request.
 */
function failedPhase(phase: keyof typeof failedPhaseError) {
  return sessionSetup.createStateConfig({
    always: {
      guard: 'carryingOut',
      target: 'destroyed',
      actions: { type: 'carryOut', params: { pending: 'none' } },
    },
    on: {
      sessionCap: [
        {
          guard: 'clientPresent',
          target: 'destroyed',
          actions: [{ type: 'expect', params: { result: failedPhaseError[phase] } }, 'revertFromServer'],
        },
        {
          guard: 'clientDiscardedId',
          actions: [{ type: 'expect', params: { result: capInvalid } }, { type: 'reports', params: { level: 'warning' } }],
        },
      ],
      upgrade: [
        {
          guard: 'clientPresent',
          actions: [{ type: 'expect', params: { result: upgradePending } }, { type: 'reports', params: { level: 'warning' } }],
        },
        {
          guard: 'clientDiscardedId',
          actions: { type: 'expect', params: { result: upgradePending } },
        },
      ],
      close: [
        {
          guard: 'clientPresent',
          target: 'destroyed',
          actions: [{ type: 'expect', params: { result: closeDone } }, 'revertFromServer'],
        },
        {
          guard: 'clientDiscardedId',
          actions: { type: 'expect', params: { result: closeDone } },
        },
      ],
      deliverSessionCap: {
        guard: 'childService',
        actions: { type: 'expect', params: { result: none } },
      },
      ...everyPhase({ answerPending: true }).on,
      destroyClient: [
        {
          guard: 'clientPresent',
          target: 'destroyed',
          actions: ['clientVanishes', { type: 'expect', params: { result: none } }, 'revertFromServer'],
        },
        {
          guard: 'clientDiscardedId',
          actions: ['clientDestroyedAfterClose', { type: 'expect', params: { result: none } }],
        },
      ],
      destroyServer: {
        guard: 'childService',
        target: 'destroyed',
        actions: [{ type: 'expect', params: { result: none } }, 'revertFromServer'],
      },
    },
  });
}

/**
 * What every phase of a requested session hears. A serving child's
 * `session_response`: the seed sets the failure phases from any phase and
 * closes from any phase; `ok` ends an upgrade (`okTarget`) and is otherwise
 * ignored. And a second request of the client with the ID it holds, which
 * conflicts and changes nothing.
 */
function everyPhase(phase: PhaseTraits = {}) {
  const { okTarget, answerPending = false, idHeld = true } = phase;
  const heard = { type: 'expect', params: { result: none } } as const;
  const conflict = {
    sessionConflict: {
      guard: 'clientPresent',
      actions: [{ type: 'expect', params: { result: failure('denied') } }, { type: 'reports', params: { level: 'error' } }],
    },
  } as const;
  return sessionSetup.createStateConfig({
    on: {
      ...(idHeld ? conflict : {}),
      /* The client installs its handler; in AVAILABLE and the failed phases an async answer is signalled. */
      sessionSigh: {
        guard: 'clientAlive',
        actions: answerPending ? 'installSighSignallingAnswer' : 'installSigh',
      },
      sessionSighInvalid: { guard: 'clientAlive', actions: 'removeSigh' },
      serverSpends: { guard: 'serverCanSpend', actions: 'serverSpends' },
      sessionResponse: [
        {
          guard: { type: 'serverSays', params: { response: 'closed' } },
          target: 'CLOSED',
          actions: [heard, 'notifyClosed', 'revertFromServer'],
        },
        {
          guard: { type: 'serverSays', params: { response: 'denied' } },
          target: 'SERVICE_DENIED',
          actions: [heard, 'notifyReady'],
        },
        {
          guard: { type: 'serverSays', params: { response: 'insufficientRam' } },
          target: 'INSUFFICIENT_RAM_QUOTA',
          actions: [heard, 'notifyReady'],
        },
        {
          guard: { type: 'serverSays', params: { response: 'insufficientCaps' } },
          target: 'INSUFFICIENT_CAP_QUOTA',
          actions: [heard, 'notifyReady'],
        },
        okTarget
          ? {
              guard: { type: 'serverSays', params: { response: 'ok' } },
              target: okTarget,
              actions: [heard, 'notifyReady'],
            }
          : { guard: { type: 'serverSays', params: { response: 'ok' } }, actions: heard },
      ],
    },
  });
}

/** What sets a phase apart in what it hears. */
interface PhaseTraits {
  /** Where the server's `ok` leads; ignored when absent. */
  readonly okTarget?: 'CAP_HANDED_OUT';
  /** Whether an async answer waits to be signalled when the client installs its handler. */
  readonly answerPending?: boolean;
  /** Whether the client can still hold the session's ID in this phase, so that a second request conflicts. */
  readonly idHeld?: boolean;
}
