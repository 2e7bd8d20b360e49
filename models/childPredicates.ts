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
  Observation,
  Quota,
  RouteDescription,
  RouteTarget,
  ServiceAnswer,
  SessionView,
  Signals,
} from '../impl/contract.ts';
import { MAX_OUTSTANDING_HEARTBEATS, YIELD_ARGS, type ChildContext, type ChildEvent, type EnvMode, type SignalKind } from '../machines/child.ts';

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

/** What the local binary ROM service answers, per set-up. */
export const BINARY_ANSWERS: Readonly<Record<EnvMode, readonly ServiceAnswer[]>> = {
  local: [],
  static: [],
  unrouted: [],
  retry: ['insufficientRam', 'insufficientRam', 'insufficientCaps', 'ok'],
  exhausted: Array<ServiceAnswer>(ATTEMPTS).fill('insufficientRam'),
  denied: ['denied'],
  child: [],
};

/**
 * The routes of `child`'s binary and linker ROM sessions for a set-up:
 * `BINARY_SERVICE` for the local ones, service `ROM` of `server` for
 * `child`, none for `unrouted`; `static` denies the linker. They go before
 * the child's other routes.
 */
export function binaryRoutes(env: EnvMode, child: string, server: string): RouteDescription[] {
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
        return { kind: 'local', name: BINARY_SERVICE };
    }
  })();
  const linker: RouteDescription[] =
    env === 'static' ? [{ service: 'ROM', labelPrefix: `${child} -> ld.lib.so`, to: { kind: 'deny' } }] : [];
  return [{ service: 'ROM', labelPrefix: `${child} -> binary`, to: binary }, ...linker];
}

/** The binary ROM environment session of `child`, if it exists. */
export function binarySession(observation: Observation, child: string): SessionView | undefined {
  return observation.sessions.find((view) => view.client === child && view.env === 'binary');
}

/** The binary ROM session right after `child` is built with set-up `env` (and `ENV_QUOTA`). */
export function environmentAfterBuild(env: EnvMode, observation: Observation, child: string): string[] {
  const binary = binarySession(observation, child);
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
  const linker = observation.sessions.find((view) => view.client === child && view.env === 'linker');
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
  }
  if (snapshot.matches('destroyed')) expect(child.destroyed, 'the child was expected destroyed');
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
