/**
 * What a state of the child statechart means for an implementation's
 * observation, and how a child's set-up (`EnvMode`) is described: the
 * predicates the child binding checks after every step, shared with the
 * explorers (`fuzz`, `explore`), which run one child machine per child of a
 * whole system.
 *
 * Each check returns the mismatches as sentences, empty when the
 * observation agrees with the machine.
 */
import type { AnyMachineSnapshot } from 'xstate';

import type {
  ChildView,
  EnvSession,
  JournalEntry,
  Observation,
  Phase,
  Quota,
  RouteDescription,
  RouteTarget,
  ServiceAnswer,
  SessionView,
  Signals,
} from '../impl/contract.ts';
import { MAX_OUTSTANDING_HEARTBEATS, YIELD_ARGS, type ChildContext, type ChildEvent, type EnvMode, type SignalKind } from '../machines/child.ts';
import { argsProblems, type ArgList } from './requestArgs.ts';

/** Every count of outstanding heartbeats the child chart follows. */
const OUTSTANDING_COUNTS = Array.from({ length: MAX_OUTSTANDING_HEARTBEATS + 1 }, (_, count) => count);

/** Quota the parent asks for with each environment session of a child whose set-up is checked. */
export const ENV_QUOTA: Quota = { ram: 4096, caps: 2 };
/** RAM (bytes) and caps added to an environment request after an insufficient-quota answer. */
const RETRY_STEP = 4096;
/** Attempts of an environment session before the parent gives up. */
const ATTEMPTS = 10;

/** The local service that serves a child's binary ROM session in the set-ups that use one. */
export const BINARY_SERVICE = 'BinaryROM';

/**
 * What the local binary ROM service answers, per set-up, in the order the
 * child asks: the binary first, then (in `linkerDenied`, where the linker
 * is served there too) the linker.
 */
export const BINARY_ANSWERS: Readonly<Record<EnvMode, readonly ServiceAnswer[]>> = {
  local: [],
  static: [],
  unrouted: [],
  retry: ['insufficientRam', 'insufficientRam', 'insufficientCaps', 'ok'],
  exhausted: Array<ServiceAnswer>(ATTEMPTS).fill('insufficientRam'),
  denied: ['denied'],
  child: [],
  pdUnrouted: [],
  cpuUnrouted: [],
  linkerDenied: ['ok', 'denied'],
  unfunded: [],
};

/**
 * The quota of a child's PD in set-up `env`, given what it is otherwise
 * described with: `unfunded` asks for RAM beyond any reference account of
 * the checker's systems (which hold 10 000 000 bytes).
 */
export function setupQuota(env: EnvMode, quota: Quota): Quota {
  return env === 'unfunded' ? { ram: 20_000_000, caps: quota.caps } : quota;
}

/** The label of `child`'s binary ROM session. */
function binaryLabel(child: string): string {
  return `${child} -> binary`;
}

/** The label of `child`'s linker ROM session. */
function linkerLabel(child: string): string {
  return `${child} -> ld.lib.so`;
}

/**
 * The routes that give `child` its set-up, to go before its other routes:
 * the binary ROM session to `BINARY_SERVICE`, to service `ROM` of `server`
 * (`child`) or nowhere (`unrouted`); the linker's denied (`static`) or sent
 * to `BINARY_SERVICE` (`linkerDenied`); the PD or CPU session routed
 * nowhere (`pdUnrouted`, `cpuUnrouted`). The linker of `static` is denied by a route for any
 * service whose label starts like the linker's, so that the set-up depends
 * on `*` matching every service and on the label prefix matching the start
 * of a label, not all of it.
 */
export function setupRoutes(env: EnvMode, child: string, server: string): RouteDescription[] {
  const binary = ((): RouteTarget => {
    switch (env) {
      case 'child':
        return { kind: 'child', server, name: 'ROM' };
      case 'unrouted':
        return { kind: 'deny' };
      case 'local':
      case 'static':
      case 'retry':
      case 'exhausted':
      case 'denied':
      case 'pdUnrouted':
      case 'cpuUnrouted':
      case 'linkerDenied':
      case 'unfunded':
        return { kind: 'local', name: BINARY_SERVICE };
    }
  })();
  const routes: RouteDescription[] = [{ service: 'ROM', labelPrefix: binaryLabel(child), to: binary }];
  if (env === 'static') routes.push({ service: '*', labelPrefix: `${child} -> ld`, to: { kind: 'deny' } });
  if (env === 'linkerDenied') {
    routes.push({ service: 'ROM', labelPrefix: linkerLabel(child), to: { kind: 'local', name: BINARY_SERVICE } });
  }
  if (env === 'pdUnrouted') routes.push({ service: 'PD', to: { kind: 'deny' } });
  if (env === 'cpuUnrouted') routes.push({ service: 'CPU', to: { kind: 'deny' } });
  return routes;
}

/** The binary ROM environment session of `child`, if it exists. */
export function binarySession(observation: Observation, child: string): SessionView | undefined {
  return observation.sessions.find((view) => view.client === child && view.env === 'binary');
}

/** An environment session as it must be: its phase and the quota of its last attempt. */
interface EnvExpectation {
  readonly phase: Phase;
  readonly ram: number;
  readonly caps: number;
}

/** A session that got the first attempt's quota, in `phase`. */
function firstAttempt(phase: Phase): EnvExpectation {
  return { phase, ...ENV_QUOTA };
}

/**
 * The binary and linker ROM sessions right after a child is built with
 * set-up `env` (null where none must exist), and which other environment
 * session the policy denies, if any. The linker is asked for after the binary, whatever became of
 * that; it keeps its cap unhanded (`AVAILABLE`) unless the process starts.
 */
function expectedEnvironment(env: EnvMode): {
  readonly binary: EnvExpectation | null;
  readonly linker: EnvExpectation | null;
  readonly denied: 'pd' | 'cpu' | null;
} {
  const started = firstAttempt('CAP_HANDED_OUT');
  const waiting = firstAttempt('AVAILABLE');
  switch (env) {
    case 'local':
      return { binary: started, linker: started, denied: null };
    case 'static':
      return { binary: started, linker: null, denied: null };
    case 'retry':
      return {
        binary: { phase: 'CAP_HANDED_OUT', ram: ENV_QUOTA.ram + 2 * RETRY_STEP, caps: ENV_QUOTA.caps + 1 },
        linker: started,
        denied: null,
      };
    case 'exhausted':
      return {
        binary: { phase: 'INSUFFICIENT_RAM_QUOTA', ram: ENV_QUOTA.ram + (ATTEMPTS - 1) * RETRY_STEP, caps: ENV_QUOTA.caps },
        linker: waiting,
        denied: null,
      };
    case 'denied':
      return { binary: firstAttempt('SERVICE_DENIED'), linker: waiting, denied: null };
    case 'unrouted':
      return { binary: null, linker: waiting, denied: null };
    case 'child':
      return { binary: firstAttempt('CREATE_REQUESTED'), linker: waiting, denied: null };
    case 'cpuUnrouted':
      return { binary: waiting, linker: waiting, denied: 'cpu' };
    case 'linkerDenied':
      return { binary: waiting, linker: firstAttempt('SERVICE_DENIED'), denied: null };
    case 'pdUnrouted':
      return { binary: waiting, linker: waiting, denied: 'pd' };
    case 'unfunded':
      return { binary: started, linker: started, denied: null };
  }
}

/**
 * An environment session (`what`, labelled `label`) against its
 * expectation: it exists exactly when expected, in the expected phase, with
 * the expected quota, and its server was given the label, the policy's
 * `setArgs`, the quota and `diag=0`, nothing else.
 */
function envSessionProblems(
  what: string,
  view: SessionView | undefined,
  expected: EnvExpectation | null,
  label: string,
  setArgs: Readonly<Record<string, string>>,
): string[] {
  if (expected === null) return view ? [`the ${what} session exists in ${view.phase}, but its route is denied`] : [];
  if (!view) return [`the ${what} session was expected in ${expected.phase}, but it does not exist`];
  const problems: string[] = [];
  if (view.phase !== expected.phase) problems.push(`the ${what} session is in ${view.phase}, expected ${expected.phase}`);
  if (view.donated.ram !== expected.ram || view.donated.caps !== expected.caps) {
    problems.push(
      `the ${what} session carries ${view.donated.ram} bytes and ${view.donated.caps} caps, expected ${expected.ram} and ${expected.caps}`,
    );
  }
  if (view.label !== label) problems.push(`the ${what} session's label is "${view.label}", expected "${label}"`);
  const args: ArgList = [
    ['label', `"${label}"`],
    ...Object.entries(setArgs),
    ['ram_quota', String(expected.ram)],
    ['cap_quota', String(expected.caps)],
    ['diag', '0'],
  ];
  problems.push(...argsProblems(view.args, args).map((problem) => `the ${what} session: ${problem}`));
  return problems;
}

/**
 * The environment right after `child` (with the policy's `setArgs`) is
 * built with set-up `env` and `ENV_QUOTA`: its binary and linker ROM
 * sessions, and its PD and CPU sessions, which exist unless denied.
 */
export function environmentAfterBuild(
  env: EnvMode,
  observation: Observation,
  child: string,
  setArgs: Readonly<Record<string, string>>,
): string[] {
  const expected = expectedEnvironment(env);
  const find = (kind: EnvSession): SessionView | undefined =>
    observation.sessions.find((view) => view.client === child && view.env === kind);
  const problems = [
    ...envSessionProblems('binary ROM', find('binary'), expected.binary, binaryLabel(child), setArgs),
    ...envSessionProblems('linker ROM', find('linker'), expected.linker, linkerLabel(child), setArgs),
  ];
  for (const kind of ['pd', 'cpu'] as const) {
    const view = find(kind);
    if (view && expected.denied === kind) problems.push(`the ${kind} session exists in ${view.phase}, but its route is denied`);
    if (!view && expected.denied !== kind) problems.push(`the ${kind} session does not exist`);
  }
  return problems;
}

/** A child described with `dynamic: false` never asks for the linker. */
export function staticChildProblems(observation: Observation, child: string): string[] {
  const linker = observation.sessions.find((view) => view.client === child && view.env === 'linker');
  return linker ? [`${child} is statically linked, but has a linker ROM session in ${linker.phase}`] : [];
}

/**
 * The quota a build of `child` (PD funded with `quota`) with set-up `env`
 * moves: the PD's funding from the reference account, RAM then caps (none
 * in `pdUnrouted`, no RAM in `unfunded`); in
 * set-up `child` also `ENV_QUOTA` from the reference account to `server`'s
 * PD, paid for the binary ROM session its asynchronous service takes; no
 * other environment session is paid for. `journal` is what the build added.
 */
export function buildMoveProblems(
  env: EnvMode,
  journal: readonly JournalEntry[],
  child: string,
  quota: Quota,
  server: string,
): string[] {
  const show = (from: string, to: string, resource: string, amount: number): string => `${from}->${to} ${amount} ${resource}`;
  const moves = journal.flatMap((entry) =>
    entry.kind === 'move' && !entry.undo ? [show(entry.from, entry.to, entry.resource, entry.amount)] : [],
  );
  /* no PD session, no funding; RAM the reference account cannot give is not moved */
  const expected =
    env === 'pdUnrouted'
      ? []
      : [
          ...(env === 'unfunded' ? [] : [show('ref', `pd:${child}`, 'ram', quota.ram)]),
          show('ref', `pd:${child}`, 'caps', quota.caps),
        ];
  if (env === 'child') {
    expected.push(show('ref', `pd:${server}`, 'ram', ENV_QUOTA.ram), show('ref', `pd:${server}`, 'caps', ENV_QUOTA.caps));
  }
  const same = moves.length === expected.length && moves.every((move, index) => move === expected[index]);
  return same ? [] : [`building ${child} moved [${moves.join(', ')}], expected [${expected.join(', ')}]`];
}

/**
 * Closing all sessions of `child` (on its own or on destruction) closes
 * its own CPU sessions first, while its PD still takes quota: the journal
 * returns each one's donated RAM plus `sessionCost` and its caps from the
 * reference account to the child's PD before the PD's balance goes back
 * there. The CPU sessions are those `before` shows in the child's ID space
 * at the parent's (local) CPU service, which closes at once.
 */
export function ownCpuSessionProblems(before: Observation, after: Observation, child: string, sessionCost: number): string[] {
  const pd = `pd:${child}`;
  const journal = after.journal.slice(before.journal.length);
  const refund = journal.findIndex((entry) => entry.kind === 'move' && !entry.undo && entry.from === pd && entry.to === 'ref');
  const returned = (refund === -1 ? journal : journal.slice(0, refund)).filter(
    (entry) => entry.kind === 'move' && !entry.undo && entry.from === 'ref' && entry.to === pd,
  );
  const problems: string[] = [];
  const own = before.sessions.filter(
    (view) => view.client === child && view.env === null && view.clientId !== null && view.service === 'CPU',
  );
  for (const view of own) {
    const owed = [
      ['ram', view.donated.ram + sessionCost],
      ['caps', view.donated.caps],
    ] as const;
    for (const [resource, amount] of owed) {
      /* a transfer of nothing is not journalled */
      if (amount === 0) continue;
      const at = returned.findIndex((entry) => entry.kind === 'move' && entry.resource === resource && entry.amount === amount);
      if (at === -1) {
        problems.push(`${child}'s CPU session ${view.key} did not return ${amount} ${resource} to ${pd} before the PD closed`);
      } else {
        returned.splice(at, 1);
      }
    }
  }
  return problems;
}

const SIGNAL_KINDS: readonly SignalKind[] = ['session', 'yield', 'resourceAvail', 'heartbeat'];

/**
 * The signals one call submitted to a child (from `was` to `now`) against
 * those expected, per kind (a count; absent kinds expect none).
 */
export function signalProblems(
  expected: Readonly<Partial<Record<keyof Signals, number>>>,
  was: ChildView,
  now: ChildView,
  child?: string,
): string[] {
  const problems: string[] = [];
  for (const kind of SIGNAL_KINDS) {
    const submitted = now.signals[kind] - was.signals[kind];
    const wanted = expected[kind] ?? 0;
    if (submitted !== wanted) {
      const to = child === undefined ? '' : ` to ${child}`;
      problems.push(`${submitted} ${kind} signal(s) were submitted${to}, the machine expects ${wanted}`);
    }
  }
  return problems;
}

/**
 * What a call told the policy: a resource request, a yield response, or an
 * announced service (`announced`, when valid) recorded; an invalid name not.
 */
export function policyEffects(event: ChildEvent, was: ChildView, now: ChildView, announced: string): string[] {
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
      return now.announced.includes(announced) ? [] : [`the announced service ${announced} is not recorded`];
    default:
      return [];
  }
}

/**
 * What the child machine resting in `snapshot` says of the child the
 * implementation shows as `child`: constructed, waiting for its
 * environment (`binary`, its binary ROM session), failed to start, active
 * with its heartbeats, exit value (`exitValue` once exited) and pending
 * yield request, with its sessions closed, or destroyed.
 */
export function childStateProblems(
  snapshot: AnyMachineSnapshot,
  child: ChildView,
  binary: SessionView | undefined,
  exitValue: number,
): string[] {
  const context: ChildContext = snapshot.context;
  const problems: string[] = [];
  const expect = (holds: boolean, sentence: string): void => {
    if (!holds) problems.push(sentence);
  };

  if (snapshot.matches('idle')) expect(!child.constructed, 'the child was not to be constructed yet');
  if (snapshot.matches('envPending')) {
    expect(child.constructed && !child.active, 'the child was expected constructed and waiting for its environment');
    expect(binary?.phase === 'CREATE_REQUESTED', 'the binary ROM session was expected to wait for its server');
  }
  if (snapshot.matches('envIncomplete')) {
    expect(
      child.constructed && !child.active && child.startError === null,
      'the child was expected constructed, not started, without a start error',
    );
  }
  if (snapshot.matches('startFailed')) {
    expect(
      !child.active && child.startError === context.process,
      `the child was expected to fail to start with ${context.process}, it has ${child.startError ?? 'no error'}`,
    );
  }
  if (snapshot.matches('active')) problems.push(...activeProblems(snapshot, child, exitValue));
  if (snapshot.matches('sessionsClosed')) {
    expect(child.pdClosed && !child.destroyed, 'the child was expected with its PD closed, not yet destroyed');
    /* closing all sessions destructs the initial thread */
    expect(!child.active, 'the child was expected to run no more once its sessions are closed');
  }
  if (snapshot.matches('destroyed')) {
    expect(child.destroyed, 'the child was expected destroyed');
    /* its environment sessions go with it */
    expect(binary === undefined, `the destroyed child's binary ROM session still exists in ${binary?.phase ?? ''}`);
  }
  return problems;
}

/** The parallel regions of an active child: heartbeats, exit and yield. */
function activeProblems(snapshot: AnyMachineSnapshot, child: ChildView, exitValue: number): string[] {
  const problems: string[] = [];
  const expect = (holds: boolean, sentence: string): void => {
    if (!holds) problems.push(sentence);
  };
  expect(child.active && !child.pdClosed, 'the child was expected active');
  const outstanding =
    OUTSTANDING_COUNTS.find((count) => snapshot.matches({ active: { heartbeat: `outstanding${count}` } })) ?? 0;
  expect(
    child.outstandingHeartbeats === outstanding,
    `the child has ${child.outstandingHeartbeats} outstanding heartbeats, expected ${outstanding}`,
  );
  const exited = snapshot.matches({ active: { exit: 'exited' } });
  expect(
    child.exitValue === (exited ? exitValue : null),
    `the child's exit value is ${child.exitValue}, expected ${exited ? exitValue : 'none'}`,
  );
  const requested = snapshot.matches({ active: { yield: { request: 'requested' } } });
  expect(
    child.yieldArgs === (requested ? YIELD_ARGS : ''),
    `the child's yield request is "${child.yieldArgs}", expected "${requested ? YIELD_ARGS : ''}"`,
  );
  return problems;
}
