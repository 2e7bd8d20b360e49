/**
 * The lifecycle of one child, as its parent's `Child` object sees it: the
 * environment sessions, process start and its failures, the running child
 * with its heartbeat, yield and resource protocols as parallel regions, its
 * exit, the closing of all its sessions, and its destruction.
 *
 * The first event says how the child is set up (where its binary comes from
 * and how process construction ends), because the seed's behaviour depends
 * on it; everything after is a call on the parent interface or a parent
 * action. The context is finite: the set-up; where the binary ROM session
 * stands at a serving child; and what the last call must return, which
 * signal it must submit and how often it must wake that server (these last
 * four not part of a state's identity).
 */
import { assign, setup } from 'xstate';

import type { ReportLevel } from './reportLevel.ts';

import type { CallResult, EnvSession, ProcessOutcome } from '../impl/contract.ts';

/**
 * Where the child's binary ROM session is served and how it is answered:
 * `local` at once; `retry` at once after two insufficient-RAM and one
 * insufficient-caps answer; `exhausted` never, every one of the ten attempts
 * being insufficient; `denied` refused by its service; `unrouted` refused by
 * the policy's routing; `child` by a serving child, later. `static` is
 * `local` with the linker's route denied, which a statically linked binary
 * does not need. Three set-ups fail elsewhere, with the binary served at
 * once: `pdUnrouted` and `cpuUnrouted`, whose PD or CPU session the policy
 * routes nowhere, and `linkerDenied`, whose linker ROM session its service
 * refuses; a process needs all of them, so none of these children starts.
 * In `unfunded` the child asks for more RAM than the reference account
 * holds: its PD is left without RAM, with an error, and it starts all the
 * same.
 */
export const ENV_MODES = [
  'local',
  'static',
  'retry',
  'exhausted',
  'denied',
  'unrouted',
  'child',
  'pdUnrouted',
  'cpuUnrouted',
  'linkerDenied',
  'unfunded',
] as const;
export type EnvMode = (typeof ENV_MODES)[number];

/** The signals a parent submits to a child. */
export type SignalKind = 'session' | 'yield' | 'resourceAvail' | 'heartbeat';

/**
 * Where the binary ROM session stands at the serving child, in set-up
 * `child`: `waiting` for its answer, `serving` once delivered, `closing`
 * once the parent asked to close it; `none` in every other set-up, or once
 * nothing of it is left for the server to hear about.
 */
export type EnvServerStatus = 'none' | 'waiting' | 'serving' | 'closing';

export type ChildEvent =
  | { type: 'build'; env: EnvMode; process: ProcessOutcome }
  /* the server of an asynchronous environment session */
  | { type: 'deliverEnvCap' }
  | { type: 'denyEnv' }
  /* that server closed all its sessions or died, taking the session with it */
  | { type: 'envServerGone' }
  /* the child */
  | { type: 'heartbeatSigh' }
  | { type: 'heartbeatResponse' }
  | { type: 'yieldSigh' }
  | { type: 'yieldSighInvalid' }
  | { type: 'yieldRequest' }
  | { type: 'yieldResponse' }
  | { type: 'resourceAvailSigh' }
  | { type: 'resourceAvailSighInvalid' }
  | { type: 'resourceRequest' }
  | { type: 'announce'; valid: boolean }
  | { type: 'closeEnvSession'; env: EnvSession }
  | { type: 'exit' }
  | { type: 'sessionAfterClose' }
  | { type: 'upgradeAfterClose' }
  /* the parent */
  | { type: 'heartbeat' }
  | { type: 'skippedHeartbeats' }
  | { type: 'yield' }
  | { type: 'notifyResourceAvail' }
  | { type: 'closeAllSessions' }
  | { type: 'destroy' };

export interface ChildContext {
  /** What the parent must report during the last call; not part of the state's identity. */
  report: ReportLevel;
  env: EnvMode | null;
  process: ProcessOutcome;
  /** The binary ROM session at a serving child; not part of the state's identity. */
  envServer: EnvServerStatus;
  /** What the last call must return; not part of the state's identity. */
  result: CallResult;
  /** The signal the last call must submit, if any; not part of the state's identity. */
  signal: SignalKind | null;
  /** How often the last call must wake the serving child's ROM service; not part of the state's identity. */
  wakeups: number;
}

const none: CallResult = { kind: 'none' };

/** The arguments of every yield request the parent makes in this chart. */
export const YIELD_ARGS = 'ram_quota=8192, cap_quota=2';

/** Heartbeats the parent sends before the chart stops counting. */
export const MAX_OUTSTANDING_HEARTBEATS = 4;

const childSetup = setup({
  types: {
    context: {} as ChildContext,
    events: {} as ChildEvent,
  },
  guards: {
    envAnsweredAtOnce: ({ context }) => context.env === 'local' || context.env === 'static' || context.env === 'retry',
    envUnfunded: ({ context }) => context.env === 'unfunded',
    envFromChild: ({ context }) => context.env === 'child',
    envMode: ({ context }, params: { is: EnvMode }) => context.env === params.is,
    processStarts: ({ context }) => context.process === 'ok',
  },
  actions: {
    configure: assign(({ event }) =>
      event.type === 'build'
        ? { env: event.env, process: event.process, envServer: event.env === 'child' ? 'waiting' : 'none' }
        : {},
    ),
    expect: assign((_, params: { result?: CallResult; signal?: SignalKind }) => ({
      result: params.result ?? none,
      signal: params.signal ?? null,
      wakeups: 0,
      report: 'none' as ReportLevel,
    })),
    reports: assign((_, params: { level: ReportLevel }) => ({ report: params.level })),
    /* An environment session left waiting at a serving child wakes it, once. */
    wakeEnvServer: assign(({ context }) => ({ wakeups: context.envServer === 'waiting' ? 1 : 0 })),
    envServed: assign({ envServer: 'serving' as EnvServerStatus }),
    envDenied: assign({ envServer: 'none' as EnvServerStatus }),
    /* The session went with its server: nothing is left there to close or wake. */
    envGone: assign({ envServer: 'none' as EnvServerStatus }),
    /* `close_all_sessions` asks the server to close a binary session it serves, and wakes it. */
    closeEnvAtServer: assign(({ context }) =>
      context.envServer === 'serving' ? { envServer: 'closing' as EnvServerStatus, wakeups: 1 } : {},
    ),
    /*
     * `~Child` runs `close_all_sessions`, which (again) asks to close a binary
     * session still alive at its server and wakes it, then destructs the
     * connection, whose close request wakes it once more. A request the
     * server never answered is dropped without a word.
     */
    dropEnvAtServer: assign(({ context }) => ({
      envServer: 'none' as EnvServerStatus,
      wakeups: context.envServer === 'serving' || context.envServer === 'closing' ? 2 : 0,
    })),
  },
});

const quiet = { type: 'expect', params: {} } as const;

function signalling(signal: SignalKind) {
  return { type: 'expect', params: { signal } } as const;
}

function skipped(count: number) {
  return { type: 'expect', params: { result: { kind: 'count', value: count } } } as const;
}

/**
 * The heartbeat protocol: no heartbeat before the child installs a handler;
 * each one after that is outstanding until the child answers; from the
 * second outstanding one on, the parent counts skipped heartbeats. The seed
 * counts without bound; the chart follows up to MAX_OUTSTANDING_HEARTBEATS.
 */
const heartbeat = childSetup.createStateConfig({
  initial: 'unregistered',
  states: {
    unregistered: {
      on: {
        heartbeatSigh: { target: 'outstanding0', actions: quiet },
        heartbeat: { actions: quiet },
        heartbeatResponse: { actions: quiet },
        skippedHeartbeats: { actions: skipped(0) },
      },
    },
    outstanding0: outstanding(0),
    outstanding1: outstanding(1),
    outstanding2: outstanding(2),
    outstanding3: outstanding(3),
    outstanding4: outstanding(4),
  },
});

/** `count` heartbeats sent and not yet answered. */
function outstanding(count: number) {
  const more = count < MAX_OUTSTANDING_HEARTBEATS;
  return childSetup.createStateConfig({
    on: {
      heartbeatSigh: { actions: quiet },
      ...(more ? { heartbeat: { target: `outstanding${count + 1}`, actions: signalling('heartbeat') } } : {}),
      heartbeatResponse: count === 0 ? { actions: quiet } : { target: 'outstanding0', actions: quiet },
      skippedHeartbeats: { actions: skipped(Math.max(count - 1, 0)) },
    },
  });
}

/**
 * The yield protocol: the parent's request is kept for the child to pick up
 * and signalled once the child has a handler; the child's response goes to
 * the policy. The request stays readable after the response.
 */
const yieldProtocol = childSetup.createStateConfig({
  type: 'parallel',
  states: {
    handler: {
      initial: 'unregistered',
      states: {
        unregistered: {
          on: {
            yieldSigh: { target: 'registered', actions: quiet },
            yield: { actions: quiet },
          },
        },
        registered: {
          on: {
            yieldSigh: { actions: quiet },
            yieldSighInvalid: { target: 'unregistered', actions: quiet },
            yield: { actions: signalling('yield') },
          },
        },
      },
    },
    request: {
      initial: 'none',
      states: {
        none: {
          on: {
            yield: { target: 'requested' },
            yieldRequest: { actions: { type: 'expect', params: { result: { kind: 'args', args: '' } } } },
            yieldResponse: { actions: quiet },
          },
        },
        requested: {
          on: {
            yieldRequest: { actions: { type: 'expect', params: { result: { kind: 'args', args: YIELD_ARGS } } } },
            yieldResponse: { actions: quiet },
          },
        },
      },
    },
  },
});

/** Resource requests go to the policy; availability is signalled to a registered handler. */
const resources = childSetup.createStateConfig({
  initial: 'unregistered',
  states: {
    unregistered: {
      on: {
        resourceAvailSigh: { target: 'registered', actions: quiet },
        notifyResourceAvail: { actions: quiet },
        resourceRequest: { actions: quiet },
      },
    },
    registered: {
      on: {
        resourceAvailSigh: { actions: quiet },
        resourceAvailSighInvalid: { target: 'unregistered', actions: quiet },
        notifyResourceAvail: { actions: signalling('resourceAvail') },
        resourceRequest: { actions: quiet },
      },
    },
  },
});

/** `exit` only tells the policy; the child object lives on until destroyed. */
const exit = childSetup.createStateConfig({
  initial: 'running',
  states: {
    running: { on: { exit: { target: 'exited', actions: quiet } } },
    exited: { on: { exit: { actions: quiet } } },
  },
});

/**
 * A binary ROM session whose server closed all its sessions is gone, at
 * whatever stage; only `envPending` was waiting for it.
 */
const envServerGone = { actions: [quiet, 'envGone'] } as const;

/** A child whose sessions are all closed may still call; its requests find a closed PD. */
const closedPd = childSetup.createStateConfig({
  on: {
    sessionAfterClose: { actions: { type: 'expect', params: { result: { kind: 'error', error: 'denied' } } } },
    upgradeAfterClose: { actions: { type: 'expect', params: { result: { kind: 'upgrade', result: 'pending' } } } },
    destroy: { target: 'destroyed', actions: [quiet, 'dropEnvAtServer'] },
    envServerGone,
  },
});

/** What every constructed child can be asked, whatever its stage. */
const endOfLife = {
  closeAllSessions: { target: '#child.sessionsClosed', actions: [quiet, 'closeEnvAtServer'] },
  destroy: { target: '#child.destroyed', actions: [quiet, 'dropEnvAtServer'] },
  envServerGone,
} as const;

export const childMachine = childSetup.createMachine({
  id: 'child',
  initial: 'idle',
  context: { env: null, process: 'ok', envServer: 'none', result: none, signal: null, wakeups: 0, report: 'none' },
  states: {
    idle: {
      on: { build: { target: 'environment', actions: ['configure', quiet, 'wakeEnvServer'] } },
    },

    /* PD first, then CPU, LOG, binary and linker: complete at once, later, or never. */
    environment: {
      always: [
        { guard: 'envAnsweredAtOnce', target: 'processStart' },
        /* The reference account cannot fund the PD's RAM: an error, and the start goes on. */
        { guard: 'envUnfunded', target: 'processStart', actions: { type: 'reports', params: { level: 'error' } } },
        { guard: 'envFromChild', target: 'envPending' },
        /* The binary's service refuses it: the parent reports the denied environment session. */
        {
          guard: { type: 'envMode', params: { is: 'denied' } },
          target: 'envIncomplete',
          actions: { type: 'reports', params: { level: 'error' } },
        },
        /* The parent gives up after ten insufficient answers, with a warning. */
        {
          guard: { type: 'envMode', params: { is: 'exhausted' } },
          target: 'envIncomplete',
          actions: { type: 'reports', params: { level: 'warning' } },
        },
        /* The policy routes the binary nowhere: an error. */
        {
          guard: { type: 'envMode', params: { is: 'unrouted' } },
          target: 'envIncomplete',
          actions: { type: 'reports', params: { level: 'error' } },
        },
        /* The policy routes the PD session nowhere: an error; the PD is neither funded nor there for a process. */
        {
          guard: { type: 'envMode', params: { is: 'pdUnrouted' } },
          target: 'envIncomplete',
          actions: { type: 'reports', params: { level: 'error' } },
        },
        /* The policy routes the CPU session nowhere: an error, and no process without it. */
        {
          guard: { type: 'envMode', params: { is: 'cpuUnrouted' } },
          target: 'envIncomplete',
          actions: { type: 'reports', params: { level: 'error' } },
        },
        /* The linker's service refuses it: the parent reports the denied environment session. */
        {
          guard: { type: 'envMode', params: { is: 'linkerDenied' } },
          target: 'envIncomplete',
          actions: { type: 'reports', params: { level: 'error' } },
        },
      ],
    },

    envPending: {
      on: {
        deliverEnvCap: { target: 'processStart', actions: [quiet, 'envServed'] },
        denyEnv: { target: 'envIncomplete', actions: [quiet, 'envDenied'] },
        ...endOfLife,
        envServerGone: { target: 'envIncomplete', actions: [quiet, 'envGone'] },
      },
    },

    /* An environment session that never gets a cap leaves the child unstarted. */
    envIncomplete: { on: { ...endOfLife, announce: { actions: quiet } } },

    processStart: {
      always: [
        { guard: 'processStarts', target: 'active' },
        { target: 'startFailed', actions: { type: 'reports', params: { level: 'error' } } },
      ],
    },

    startFailed: { on: { ...endOfLife } },

    active: {
      type: 'parallel',
      on: {
        announce: { actions: quiet },
        /* The environment sessions' IDs are refused by `close`, which still reports done. */
        closeEnvSession: { actions: { type: 'expect', params: { result: { kind: 'close', result: 'done' } } } },
        ...endOfLife,
      },
      states: { heartbeat, yield: yieldProtocol, resources, exit },
    },

    sessionsClosed: closedPd,

    destroyed: { type: 'final' },
  },
});
