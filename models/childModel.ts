/**
 * Binds the child statechart to an implementation.
 *
 * The child under test (`child`) is built by the path's first event, after
 * the system with a serving child (`server`) exists. Its binary ROM session
 * goes to a local service whose answers the path chooses, or to `server`,
 * which may close all its sessions at any point (`envServerGone`), taking
 * the binary ROM session it serves with it.
 * The machine's state is checked against the child's status, its
 * outstanding heartbeats, its exit and its pending yield request; each call's
 * result, the signal it submits and the wake-ups of the server of its binary
 * against the machine's expectation.
 *
 * Limitation: once the child is active, the state key forgets the set-up,
 * so the generated paths close a binary ROM session served by `server` only
 * while it waits for its answer; the chart's wake-ups for closing one the
 * server already serves are replayed by `explore --late child` only.
 * Keeping the set-up in the key would double the paths through `active`.
 */
import type { AnyMachineSnapshot } from 'xstate';

import { ENV_SESSION_IDS, PROCESS_OUTCOMES, SERVICE_NAME_MAX, type EnvSession } from '../impl/contract.ts';
import type { Observation, Operation, ProcessOutcome, SessionView, SystemDescription } from '../impl/contract.ts';
import { childMachine, ENV_MODES, YIELD_ARGS, type ChildContext, type ChildEvent, type EnvMode } from '../machines/child.ts';
import type { Binding, BindingRun, Resolution, StepCheck } from './binding.ts';
import {
  BINARY_ANSWERS,
  BINARY_SERVICE,
  binarySession as binarySessionOf,
  buildMoveProblems,
  childStateProblems,
  ENV_QUOTA,
  environmentAfterBuild,
  policyEffects,
  setupQuota,
  setupRoutes,
  signalProblems,
  staticChildProblems,
} from './childPredicates.ts';
import { checkReports } from './reports.ts';
import { formatResult, sameResult } from './binding.ts';

const CHILD = 'child';
const SERVER = 'server';
const EXIT_VALUE = 7;
/** The quota the child's PD is funded with. */
const CHILD_QUOTA = { ram: 100_000, caps: 50 };
/** A valid `Parent::Service_name` of the longest length: `SERVICE_NAME_MAX` bytes, one character fewer ('ä' takes two). */
const ANNOUNCED = 'Blockgerät'.padEnd(SERVICE_NAME_MAX - 1, '_');
/** Longer than a valid `Parent::Service_name` in bytes, though not in characters. */
const INVALID_SERVICE_NAME = 'ä'.repeat(SERVICE_NAME_MAX / 2 + 1);
/** The server's ROM service, as `Observation.wakeups` keys it. */
const SERVER_ROM = `${SERVER}/ROM`;

const ENV_ROUTES = (['PD', 'CPU', 'LOG', 'ROM'] as const).map((name) => ({
  service: name,
  to: { kind: 'local' as const, name },
}));

/** The system for a path whose child is built with `env` and `process`. */
export function childSystem(env: EnvMode, process: ProcessOutcome): SystemDescription {
  return {
    sessionCost: 1024,
    reference: { ram: 10_000_000, caps: 10_000 },
    upstream: { ram: 10_000_000, caps: 10_000 },
    services: [
      ...ENV_ROUTES.map((route) => ({ name: route.service, kind: 'local' as const })),
      { name: BINARY_SERVICE, kind: 'local' },
    ],
    children: [
      { name: SERVER, quota: { ram: 200_000, caps: 100 }, routes: ENV_ROUTES, dynamic: false },
      /* `dynamic` is left to its default: a child asks for the linker unless told otherwise */
      {
        name: CHILD,
        quota: setupQuota(env, CHILD_QUOTA),
        start: false,
        process,
        envQuota: ENV_QUOTA,
        routes: [...setupRoutes(env, CHILD, SERVER), ...ENV_ROUTES],
      },
    ],
  };
}

const PLAIN_EVENTS = [
  'deliverEnvCap',
  'denyEnv',
  'envServerGone',
  'heartbeatSigh',
  'heartbeatResponse',
  'yieldSigh',
  'yieldSighInvalid',
  'yieldRequest',
  'yieldResponse',
  'resourceAvailSigh',
  'resourceAvailSighInvalid',
  'resourceRequest',
  'exit',
  'sessionAfterClose',
  'upgradeAfterClose',
  'heartbeat',
  'skippedHeartbeats',
  'yield',
  'notifyResourceAvail',
  'closeAllSessions',
  'destroy',
] as const;

const EVENTS: readonly ChildEvent[] = [
  ...PROCESS_OUTCOMES.map((process): ChildEvent => ({ type: 'build', env: 'local', process })),
  ...ENV_MODES.filter((env) => env !== 'local').map((env): ChildEvent => ({ type: 'build', env, process: 'ok' })),
  ...PLAIN_EVENTS.map((type): ChildEvent => ({ type })),
  { type: 'announce', valid: true },
  { type: 'announce', valid: false },
  ...(Object.keys(ENV_SESSION_IDS) as EnvSession[]).map((env): ChildEvent => ({ type: 'closeEnvSession', env })),
];

function contextOf(snapshot: AnyMachineSnapshot): ChildContext {
  const context: ChildContext = snapshot.context;
  return context;
}

/** Once the process has started or stopped mattering, the set-up is no longer part of a state. */
const SETUP_FORGOTTEN = ['active', 'sessionsClosed', 'destroyed'];

export const childBinding: Binding<ChildEvent> = {
  name: 'child',
  machine: childMachine,
  events: EVENTS,
  cover: 'edges',
  stateKey(snapshot) {
    const { env, process } = contextOf(snapshot);
    const forgotten = SETUP_FORGOTTEN.some((state) => snapshot.matches(state));
    return JSON.stringify(forgotten ? [snapshot.value] : [snapshot.value, env, process]);
  },
  describe(events) {
    const build = events.find((event) => event.type === 'build');
    return build?.type === 'build' ? childSystem(build.env, build.process) : childSystem('local', 'ok');
  },
  start() {
    return new ChildRun();
  },
};

/** How often the server's ROM service has been woken so far. */
function romWakeups(observation: Observation): number {
  return observation.wakeups[SERVER_ROM] ?? 0;
}

function binarySession(observation: Observation): SessionView | undefined {
  return binarySessionOf(observation, CHILD);
}

class ChildRun implements BindingRun<ChildEvent> {
  resolve(event: ChildEvent, observation: Observation): Resolution {
    const call = (...operations: Operation[]): Resolution => ({ ok: true, operations });
    const child = CHILD;
    switch (event.type) {
      case 'build': {
        const answers = BINARY_ANSWERS[event.env];
        const start: Operation = { op: 'startChild', child };
        return answers.length > 0 ? call({ op: 'setAnswers', service: BINARY_SERVICE, answers }, start) : call(start);
      }
      case 'envServerGone':
        return call({ op: 'closeAllSessions', child: SERVER });
      case 'deliverEnvCap':
      case 'denyEnv': {
        const binary = binarySession(observation);
        if (!binary || binary.serverId === null) {
          return { ok: false, reason: `the binary ROM session has no server-side ID at ${SERVER}` };
        }
        return event.type === 'deliverEnvCap'
          ? call({ op: 'deliverSessionCap', child: SERVER, id: binary.serverId })
          : call({ op: 'sessionResponse', child: SERVER, id: binary.serverId, response: 'denied' });
      }
      case 'heartbeatSigh':
      case 'yieldSigh':
      case 'resourceAvailSigh':
        return call({ op: event.type, child, valid: true });
      case 'yieldSighInvalid':
        return call({ op: 'yieldSigh', child, valid: false });
      case 'resourceAvailSighInvalid':
        return call({ op: 'resourceAvailSigh', child, valid: false });
      case 'heartbeatResponse':
      case 'yieldRequest':
      case 'yieldResponse':
      case 'heartbeat':
      case 'skippedHeartbeats':
      case 'notifyResourceAvail':
      case 'closeAllSessions':
        return call({ op: event.type, child });
      case 'resourceRequest':
        return call({ op: 'resourceRequest', child, args: 'ram_quota=16384' });
      case 'yield':
        return call({ op: 'yield', child, args: YIELD_ARGS });
      case 'announce':
        return call({ op: 'announce', child, service: event.valid ? ANNOUNCED : INVALID_SERVICE_NAME });
      case 'closeEnvSession':
        return call({ op: 'close', child, id: ENV_SESSION_IDS[event.env] });
      case 'exit':
        return call({ op: 'exit', child, value: EXIT_VALUE });
      case 'sessionAfterClose':
        return call({ op: 'session', child, id: 20, service: 'LOG', args: 'ram_quota=8192, cap_quota=2' });
      case 'upgradeAfterClose':
        return call({ op: 'upgrade', child, id: 2, args: 'ram_quota=4096' });
      case 'destroy':
        return call({ op: 'destroyChild', child });
    }
  }

  check({ event, before, after, machine, result }: StepCheck<ChildEvent>): readonly string[] {
    const problems: string[] = [];
    const context = contextOf(machine.snapshot);
    const was = before.children[CHILD];
    const now = after.children[CHILD];
    if (!was || !now) return [`the observation has no child named ${CHILD}`];

    /* the call's result */
    if (!sameResult(result, context.result)) {
      problems.push(`the call returned ${formatResult(result)}, the machine expects ${formatResult(context.result)}`);
    }

    /* the signals the call submitted */
    problems.push(...signalProblems(context.signal === null ? {} : { [context.signal]: 1 }, was, now));

    /* the wake-ups of the server's ROM service, which serves the binary in set-up `child` */
    const woken = romWakeups(after) - romWakeups(before);
    if (woken !== context.wakeups) {
      problems.push(`the call woke ${SERVER_ROM} ${woken} time(s), the machine expects ${context.wakeups}`);
    }

    /* what the parent reported: warnings and errors, by level */
    problems.push(...checkReports(context.report, before, after));

    /* what the call told the policy */
    problems.push(...policyEffects(event, was, now, ANNOUNCED));

    /* the environment sessions the set-up leads to, and that a refused close leaves */
    if (event.type === 'build') {
      problems.push(...environmentAfterBuild(event.env, after, CHILD, {}));
      problems.push(...buildMoveProblems(event.env, after.journal.slice(before.journal.length), CHILD, setupQuota(event.env, CHILD_QUOTA), SERVER));
      problems.push(...staticChildProblems(after, SERVER));
    }
    if (event.type === 'closeEnvSession' && envSessions(before) !== envSessions(after)) {
      problems.push(`closing the ${event.env} environment session by its ID was to be refused, but the environment sessions changed`);
    }

    /* the state the machine rests in */
    problems.push(...childStateProblems(machine.snapshot, now, binarySession(after), EXIT_VALUE));
    return problems;
  }

  describeObservation(observation: Observation): string {
    const child = observation.children[CHILD];
    if (!child) return 'no child';
    const binary = binarySession(observation);
    return [
      `constructed=${child.constructed} active=${child.active} start-error=${child.startError ?? '-'}`,
      `pd-closed=${child.pdClosed} destroyed=${child.destroyed} exit=${child.exitValue ?? '-'}`,
      `heartbeats=${child.outstandingHeartbeats}`,
      `binary=${binary ? `${binary.phase} ${binary.donated.ram}/${binary.donated.caps}` : '-'}`,
    ].join(' ');
  }
}

/** The child's environment sessions with their phases and IDs, to tell whether a call changed them. */
function envSessions(observation: Observation): string {
  return JSON.stringify(
    observation.sessions
      .filter((view) => view.client === CHILD && view.env !== null)
      .map((view) => [view.key, view.env, view.phase, view.clientId]),
  );
}
