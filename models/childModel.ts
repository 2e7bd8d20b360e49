/**
 * Binds the child statechart to an implementation.
 *
 * The child under test (`child`) is built by the path's first event, after
 * the system with a serving child (`server`) exists. Its binary ROM session
 * goes to a local service whose answers the path chooses, or to `server`.
 * The machine's state is checked against the child's status, its
 * outstanding heartbeats, its exit and its pending yield request; each call's
 * result, the signal it submits and the wake-ups of the server of its binary
 * against the machine's expectation.
 *
 * Limitation: once the child is active, the state key forgets the set-up,
 * so the generated paths close a binary ROM session served by `server` only
 * while it waits for its answer; the chart's wake-ups for closing one the
 * server already serves are never replayed. Keeping the set-up in the key
 * would double the paths through `active`.
 */
import type { AnyMachineSnapshot } from 'xstate';

import { ENV_SESSION_IDS, SERVICE_NAME_MAX, type EnvSession } from '../impl/contract.ts';
import type {
  ChildView,
  Observation,
  Operation,
  ProcessOutcome,
  RouteDescription,
  RouteTarget,
  ServiceAnswer,
  SessionView,
  Signals,
  SystemDescription,
} from '../impl/contract.ts';
import { MAX_OUTSTANDING_HEARTBEATS, childMachine, YIELD_ARGS, type ChildContext, type ChildEvent, type EnvMode } from '../machines/child.ts';

/** Every count of outstanding heartbeats the child chart follows. */
const OUTSTANDING_COUNTS = Array.from({ length: MAX_OUTSTANDING_HEARTBEATS + 1 }, (_, count) => count);
import type { Binding, BindingRun, Resolution, StepCheck } from './binding.ts';
import { checkReports } from './reports.ts';
import { formatResult, sameResult } from './binding.ts';

const CHILD = 'child';
const SERVER = 'server';
const EXIT_VALUE = 7;
const ANNOUNCED = 'Block';
/** Longer than a valid `Parent::Service_name`. */
const INVALID_SERVICE_NAME = 'B'.repeat(SERVICE_NAME_MAX + 1);
const ENV_QUOTA = { ram: 4096, caps: 2 };
const RETRY_STEP = 4096;
const ATTEMPTS = 10;
/** The server's ROM service, as `Observation.wakeups` keys it. */
const SERVER_ROM = `${SERVER}/ROM`;

/** What the local binary ROM service answers, per set-up. */
const BINARY_ANSWERS: Record<EnvMode, readonly ServiceAnswer[]> = {
  local: [],
  static: [],
  unrouted: [],
  retry: ['insufficientRam', 'insufficientRam', 'insufficientCaps', 'ok'],
  exhausted: Array<ServiceAnswer>(ATTEMPTS).fill('insufficientRam'),
  denied: ['denied'],
  child: [],
};

const ENV_ROUTES = (['PD', 'CPU', 'LOG', 'ROM'] as const).map((name) => ({
  service: name,
  to: { kind: 'local' as const, name },
}));

/** The system for a path whose child is built with `env` and `process`. */
export function childSystem(env: EnvMode, process: ProcessOutcome): SystemDescription {
  const binaryRoute = ((): RouteTarget => {
    switch (env) {
      case 'child':
        return { kind: 'child', server: SERVER, name: 'ROM' };
      case 'unrouted':
        return { kind: 'deny' };
      case 'local':
      case 'static':
      case 'retry':
      case 'exhausted':
      case 'denied':
        return { kind: 'local', name: 'BinaryROM' };
    }
  })();
  const linkerRoutes: RouteDescription[] =
    env === 'static' ? [{ service: 'ROM', labelPrefix: `${CHILD} -> ld.lib.so`, to: { kind: 'deny' } }] : [];
  return {
    sessionCost: 1024,
    reference: { ram: 10_000_000, caps: 10_000 },
    upstream: { ram: 10_000_000, caps: 10_000 },
    services: [
      ...ENV_ROUTES.map((route) => ({ name: route.service, kind: 'local' as const })),
      { name: 'BinaryROM', kind: 'local' },
    ],
    children: [
      { name: SERVER, quota: { ram: 200_000, caps: 100 }, routes: ENV_ROUTES, dynamic: false },
      {
        name: CHILD,
        quota: { ram: 100_000, caps: 50 },
        start: false,
        dynamic: true,
        process,
        envQuota: ENV_QUOTA,
        routes: [{ service: 'ROM', labelPrefix: `${CHILD} -> binary`, to: binaryRoute }, ...linkerRoutes, ...ENV_ROUTES],
      },
    ],
  };
}

const PROCESS_OUTCOMES: readonly ProcessOutcome[] = [
  'ok',
  'outOfRam',
  'outOfCaps',
  'threadCreationFailed',
  'missingLinker',
  'invalidExecutable',
  'regionConflict',
  'invalidDataspace',
];

const PLAIN_EVENTS = [
  'deliverEnvCap',
  'denyEnv',
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
  ...(['static', 'retry', 'exhausted', 'denied', 'unrouted', 'child'] as const).map(
    (env): ChildEvent => ({ type: 'build', env, process: 'ok' }),
  ),
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
  return observation.sessions.find((view) => view.client === CHILD && view.env === 'binary');
}

class ChildRun implements BindingRun<ChildEvent> {
  resolve(event: ChildEvent, observation: Observation): Resolution {
    const call = (...operations: Operation[]): Resolution => ({ ok: true, operations });
    const child = CHILD;
    switch (event.type) {
      case 'build': {
        const answers = BINARY_ANSWERS[event.env];
        const start: Operation = { op: 'startChild', child };
        return answers.length > 0 ? call({ op: 'setAnswers', service: 'BinaryROM', answers }, start) : call(start);
      }
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
    for (const kind of Object.keys(now.signals) as (keyof Signals)[]) {
      const submitted = now.signals[kind] - was.signals[kind];
      const expected = context.signal === kind ? 1 : 0;
      if (submitted !== expected) {
        problems.push(`${submitted} ${kind} signal(s) were submitted, the machine expects ${expected}`);
      }
    }

    /* the wake-ups of the server's ROM service, which serves the binary in set-up `child` */
    const woken = romWakeups(after) - romWakeups(before);
    if (woken !== context.wakeups) {
      problems.push(`the call woke ${SERVER_ROM} ${woken} time(s), the machine expects ${context.wakeups}`);
    }

    /* what the parent reported: warnings and errors, by level */
    problems.push(...checkReports(context.report, before, after));

    /* what the call told the policy */
    problems.push(...policyEffects(event, was, now));

    /* the environment sessions the set-up leads to, and that a refused close leaves */
    if (event.type === 'build') problems.push(...environmentAfterBuild(event.env, after));
    if (event.type === 'closeEnvSession' && envSessions(before) !== envSessions(after)) {
      problems.push(`closing the ${event.env} environment session by its ID was to be refused, but the environment sessions changed`);
    }

    /* the state the machine rests in */
    problems.push(...checkState(machine.snapshot, now, after));
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

function policyEffects(event: ChildEvent, was: ChildView, now: ChildView): string[] {
  const grew = (before: number, after: number, what: string): string[] =>
    after === before + 1 ? [] : [`${what} went from ${before} to ${after}, expected one more`];
  switch (event.type) {
    case 'resourceRequest':
      return grew(was.resourceRequests.length, now.resourceRequests.length, 'resource requests');
    case 'yieldResponse':
      return grew(was.yieldResponses, now.yieldResponses, 'yield responses');
    case 'announce':
      if (!event.valid) {
        return now.announced.length === was.announced.length ? [] : ['an invalid service name was announced'];
      }
      return now.announced.includes(ANNOUNCED) ? [] : [`the announced service ${ANNOUNCED} is not recorded`];
    default:
      return [];
  }
}

/** The binary ROM session right after the child is built, by set-up. */
function environmentAfterBuild(env: EnvMode, observation: Observation): string[] {
  const binary = binarySession(observation);
  const expect = (phase: string, ram: number, caps: number): string[] => {
    if (!binary) return [`the binary ROM session was expected in ${phase}, but it does not exist`];
    const problems: string[] = [];
    if (binary.phase !== phase) problems.push(`the binary ROM session is in ${binary.phase}, expected ${phase}`);
    if (binary.donated.ram !== ram || binary.donated.caps !== caps) {
      problems.push(
        `the binary ROM session carries ${binary.donated.ram} bytes and ${binary.donated.caps} caps, expected ${ram} and ${caps}`,
      );
    }
    return problems;
  };
  const linker = observation.sessions.find((view) => view.client === CHILD && view.env === 'linker');
  switch (env) {
    case 'local':
      return expect('CAP_HANDED_OUT', ENV_QUOTA.ram, ENV_QUOTA.caps);
    case 'static':
      return [
        ...expect('CAP_HANDED_OUT', ENV_QUOTA.ram, ENV_QUOTA.caps),
        ...(linker ? [`the linker ROM session exists in ${linker.phase}, but its route is denied`] : []),
      ];
    case 'unrouted':
      return binary ? [`the binary ROM session exists in ${binary.phase}, but its route is denied`] : [];
    case 'retry':
      return expect('CAP_HANDED_OUT', ENV_QUOTA.ram + 2 * RETRY_STEP, ENV_QUOTA.caps + 1);
    case 'exhausted':
      return expect('INSUFFICIENT_RAM_QUOTA', ENV_QUOTA.ram + (ATTEMPTS - 1) * RETRY_STEP, ENV_QUOTA.caps);
    case 'denied':
      return expect('SERVICE_DENIED', ENV_QUOTA.ram, ENV_QUOTA.caps);
    case 'child':
      return expect('CREATE_REQUESTED', ENV_QUOTA.ram, ENV_QUOTA.caps);
  }
}

function checkState(snapshot: AnyMachineSnapshot, child: ChildView, observation: Observation): string[] {
  const context = contextOf(snapshot);
  const problems: string[] = [];
  const expect = (holds: boolean, sentence: string): void => {
    if (!holds) problems.push(sentence);
  };

  if (snapshot.matches('idle')) expect(!child.constructed, 'the child was not to be constructed yet');
  if (snapshot.matches('envPending')) {
    expect(child.constructed && !child.active, 'the child was expected constructed and waiting for its environment');
    expect(binarySession(observation)?.phase === 'CREATE_REQUESTED', 'the binary ROM session was expected to wait for its server');
  }
  if (snapshot.matches('envIncomplete')) {
    expect(child.constructed && !child.active && child.startError === null, 'the child was expected constructed, not started, without a start error');
  }
  if (snapshot.matches('startFailed')) {
    expect(!child.active && child.startError === context.process, `the child was expected to fail to start with ${context.process}, it has ${child.startError ?? 'no error'}`);
  }
  if (snapshot.matches('active')) {
    expect(child.active && !child.pdClosed, 'the child was expected active');
    const outstanding = OUTSTANDING_COUNTS.find((count) => snapshot.matches({ active: { heartbeat: `outstanding${count}` } })) ?? 0;
    expect(child.outstandingHeartbeats === outstanding, `the child has ${child.outstandingHeartbeats} outstanding heartbeats, expected ${outstanding}`);
    const exited = snapshot.matches({ active: { exit: 'exited' } });
    expect(child.exitValue === (exited ? EXIT_VALUE : null), `the child's exit value is ${child.exitValue}, expected ${exited ? EXIT_VALUE : 'none'}`);
    const requested = snapshot.matches({ active: { yield: { request: 'requested' } } });
    expect(child.yieldArgs === (requested ? YIELD_ARGS : ''), `the child's yield request is "${child.yieldArgs}", expected "${requested ? YIELD_ARGS : ''}"`);
  }
  if (snapshot.matches('sessionsClosed')) expect(child.pdClosed && !child.destroyed, 'the child was expected with its PD closed, not yet destroyed');
  if (snapshot.matches('destroyed')) expect(child.destroyed, 'the child was expected destroyed');
  return problems;
}
