/**
 * Binds the session statechart to an implementation.
 *
 * One client (`client`) asks for one session with client ID 10 at a local
 * service (`Local`), a parent service (`Upstream`), or a service of a second
 * child (`server`, service `Child`). The machine's state is checked against
 * the phase, IDs and callbacks of that session; the phases the
 * implementation went through within a call against the states the machine
 * entered; the call's result, the session signals it submitted to the
 * client and the wake-ups of the server's service against the machine's
 * expectation. The server may spend everything its PD holds on a session of
 * its own, so that the return of the donation from the server fails.
 */
import type { AnyMachineSnapshot } from 'xstate';

import {
  pdAccount,
  REFERENCE_ACCOUNT,
  SERVICE_ANSWERS,
  SESSION_ARGS_MAX,
  UPSTREAM_ACCOUNT,
  UPSTREAM_ANSWERS,
  type Observation,
  type Operation,
  type SessionView,
  type SystemDescription,
} from '../impl/contract.ts';
import {
  sessionMachine,
  type Refusal,
  type SessionContext,
  type SessionEvent,
  type UpstreamRefusal,
} from '../machines/session.ts';
import type { Binding, BindingRun, Resolution, StepCheck } from './binding.ts';
import { checkReports } from './reports.ts';
import { formatResult, sameResult } from './binding.ts';
import { forwardedArgs, forwardedProblems, type ArgList, type SpelledArgs } from './requestArgs.ts';
import { phaseOfState, phasesProblem, sessionStateProblems } from './sessionPredicates.ts';

const CLIENT = 'client';
const SERVER = 'server';
const SESSION_ID = 10;
const SESSION_COST = 1024;
const CLIENT_QUOTA = { ram: 100_000, caps: 50 };

/** The request every path makes (`ram` bytes, 4 caps, labelled "session"), as `forwardedArgs` reads it. */
function sessionRequest(ram: number): SpelledArgs {
  const args: ArgList = [
    ['ram_quota', String(ram)],
    ['cap_quota', '4'],
    ['label', '"session"'],
  ];
  return { text: args.map(([key, value]) => `${key}=${value}`).join(', '), args, label: 'session', ram, caps: 4 };
}
const REQUEST = sessionRequest(8192);
/** The same with no RAM beyond the session cost, so that nothing is forwarded to the server. */
const REQUEST_AT_COST = sessionRequest(SESSION_COST);
const POLICY_ARGS = { verbose: 'yes' };

/** The request every path makes, and an upgrade the client can pay for. */
const REQUEST_ARGS = REQUEST.text;
const UPGRADE_QUOTA = { ram: 4096, caps: 2 };
const UPGRADE_ARGS = `ram_quota=${UPGRADE_QUOTA.ram}, cap_quota=${UPGRADE_QUOTA.caps}`;
const UNFUNDED_UPGRADE_ARGS = 'ram_quota=500000';
/** A funded upgrade made too long to be a valid `Session_args` string. */
const INVALID_UPGRADE_ARGS = `${UPGRADE_ARGS}, label="${'x'.repeat(SESSION_ARGS_MAX)}"`;
/** A server-side ID the server never hands out: it numbers its requests from 1, one per request. */
const UNKNOWN_SERVER_ID = 99;

const SERVICE_NAMES = { local: 'Local', parent: 'Upstream', child: 'Child' } as const;
/** The child service, as `Observation.wakeups` keys it. */
const CHILD_SERVICE = `${SERVER}/${SERVICE_NAMES.child}`;

const ENV_ROUTES = (['PD', 'CPU', 'LOG', 'ROM'] as const).map((name) => ({
  service: name,
  to: { kind: 'local' as const, name },
}));

export const SESSION_SYSTEM: SystemDescription = {
  sessionCost: SESSION_COST,
  reference: { ram: 10_000_000, caps: 10_000 },
  upstream: { ram: 10_000_000, caps: 10_000 },
  services: [
    ...ENV_ROUTES.map((route) => ({ name: route.service, kind: 'local' as const })),
    { name: 'Local', kind: 'local' },
    { name: 'Upstream', kind: 'parent' },
  ],
  children: [
    { name: SERVER, quota: { ram: 200_000, caps: 100 }, routes: ENV_ROUTES, dynamic: false },
    {
      name: CLIENT,
      quota: CLIENT_QUOTA,
      dynamic: false,
      setArgs: POLICY_ARGS,
      routes: [
        { service: 'Local', to: { kind: 'local', name: 'Local' } },
        { service: 'Upstream', to: { kind: 'parent', name: 'Upstream' } },
        { service: 'Child', to: { kind: 'child', server: SERVER, name: 'Child' } },
        ...ENV_ROUTES,
      ],
    },
  ],
};

/** What upstream may answer a parent-service upgrade without stopping it. */
const UPSTREAM_REFUSALS: readonly UpstreamRefusal[] = SERVICE_ANSWERS.filter((answer) => answer !== 'ok');

const REFUSALS: readonly Refusal[] = ['belowSessionCost', 'routeDenied', 'invalidArgs', 'outOfRam', 'outOfCaps'];

const EVENTS: readonly SessionEvent[] = [
  ...UPSTREAM_ANSWERS.map((answer): SessionEvent => ({ type: 'session', service: 'local', answer })),
  ...UPSTREAM_ANSWERS.map((answer): SessionEvent => ({ type: 'session', service: 'parent', answer })),
  { type: 'session', service: 'child' },
  { type: 'session', service: 'child', atCost: true },
  ...REFUSALS.map((reason): SessionEvent => ({ type: 'sessionRefused', reason })),
  { type: 'sessionConflict' },
  { type: 'sessionSigh' },
  { type: 'sessionSighInvalid' },
  { type: 'sessionCap' },
  { type: 'upgrade', funded: true },
  { type: 'upgrade', funded: false },
  ...UPSTREAM_REFUSALS.map((upstream): SessionEvent => ({ type: 'upgrade', funded: true, upstream })),
  { type: 'upgradeRefusedUpstream', answer: 'outOfRam' },
  { type: 'upgradeRefusedUpstream', answer: 'outOfCaps' },
  { type: 'upgradeInvalidArgs' },
  { type: 'close' },
  { type: 'deliverSessionCap' },
  ...(['ok', 'closed', 'denied', 'insufficientRam', 'insufficientCaps'] as const).map(
    (response): SessionEvent => ({ type: 'sessionResponse', response }),
  ),
  { type: 'serverSpends' },
  { type: 'answerUnknownId', response: 'cap' },
  { type: 'answerUnknownId', response: 'closed' },
  { type: 'destroyClient' },
  { type: 'destroyServer' },
];

function contextOf(snapshot: AnyMachineSnapshot): SessionContext {
  const context: SessionContext = snapshot.context;
  return context;
}

export const sessionBinding: Binding<SessionEvent> = {
  name: 'session',
  machine: sessionMachine,
  events: EVENTS,
  cover: 'edges',
  stateKey(snapshot) {
    const { service, client, sigh, serverSpent, pending } = contextOf(snapshot);
    return JSON.stringify([snapshot.value, service, client, sigh, serverSpent, pending]);
  },
  describe() {
    return SESSION_SYSTEM;
  },
  start() {
    return new SessionRun();
  },
};

/** The request a refusal stands for. */
function refusedRequest(reason: Refusal): Operation {
  const request = (service: string, args: string): Operation => ({
    op: 'session',
    child: CLIENT,
    id: SESSION_ID,
    service,
    args,
  });
  switch (reason) {
    case 'belowSessionCost':
      return request('Child', `ram_quota=${SESSION_COST / 2}, cap_quota=4`);
    case 'routeDenied':
      return request('Nowhere', REQUEST_ARGS);
    case 'invalidArgs':
      return request('Child', `${REQUEST_ARGS}, label="${'x'.repeat(SESSION_ARGS_MAX)}"`);
    case 'outOfRam':
      return request('Child', `ram_quota=${CLIENT_QUOTA.ram * 2}, cap_quota=4`);
    case 'outOfCaps':
      return request('Child', `ram_quota=8192, cap_quota=${CLIENT_QUOTA.caps * 2}`);
  }
}

/**
 * The server's request for a session of its own at the local `LOG` service,
 * with all the RAM and caps its PD holds: the quota stays with the parent,
 * and the server is left with nothing of what was donated to it.
 */
function spendingRequest(observation: Observation): Operation {
  const held = observation.accounts[pdAccount(SERVER)] ?? { ram: 0, caps: 0 };
  return {
    op: 'session',
    child: SERVER,
    id: SESSION_ID,
    service: 'LOG',
    args: `ram_quota=${held.ram}, cap_quota=${held.caps}, label="spent"`,
  };
}

class SessionRun implements BindingRun<SessionEvent> {
  /** The key of the session state the path follows, once it exists. */
  private key: string | null = null;
  private historyLength = 0;

  resolve(event: SessionEvent, observation: Observation): Resolution {
    const call = (operation: Operation): Resolution => ({ ok: true, operations: [operation] });
    switch (event.type) {
      case 'session': {
        const request: Operation = {
          op: 'session',
          child: CLIENT,
          id: SESSION_ID,
          service: SERVICE_NAMES[event.service],
          args: REQUEST_ARGS,
        };
        if (event.service === 'child') {
          return call(event.atCost ? { ...request, args: REQUEST_AT_COST.text } : request);
        }
        const answers: Operation = { op: 'setAnswers', service: SERVICE_NAMES[event.service], answers: [event.answer] };
        return { ok: true, operations: [answers, request] };
      }
      case 'sessionRefused':
        return call(refusedRequest(event.reason));
      case 'sessionConflict':
        return call({ op: 'session', child: CLIENT, id: SESSION_ID, service: 'Child', args: REQUEST_ARGS });
      case 'sessionSigh':
      case 'sessionSighInvalid':
        return call({ op: 'sessionSigh', child: CLIENT, valid: event.type === 'sessionSigh' });
      case 'upgradeRefusedUpstream':
        return {
          ok: true,
          operations: [
            { op: 'setAnswers', service: SERVICE_NAMES.parent, answers: [event.answer] },
            { op: 'upgrade', child: CLIENT, id: SESSION_ID, args: UPGRADE_ARGS },
          ],
        };
      case 'sessionCap':
        return call({ op: 'sessionCap', child: CLIENT, id: SESSION_ID });
      case 'upgrade': {
        const upgrade: Operation = {
          op: 'upgrade',
          child: CLIENT,
          id: SESSION_ID,
          args: event.funded ? UPGRADE_ARGS : UNFUNDED_UPGRADE_ARGS,
        };
        /* upstream's answer reaches only a session at the parent service */
        if (event.upstream === undefined || this.session(observation)?.serviceKind !== 'parent') return call(upgrade);
        return {
          ok: true,
          operations: [{ op: 'setAnswers', service: SERVICE_NAMES.parent, answers: [event.upstream] }, upgrade],
        };
      }
      case 'close':
        return call({ op: 'close', child: CLIENT, id: SESSION_ID });
      case 'deliverSessionCap':
      case 'sessionResponse': {
        const session = this.session(observation);
        if (!session || session.serverId === null) {
          return { ok: false, reason: `the session has no server-side ID at ${SERVER} to answer` };
        }
        return event.type === 'deliverSessionCap'
          ? call({ op: 'deliverSessionCap', child: SERVER, id: session.serverId })
          : call({ op: 'sessionResponse', child: SERVER, id: session.serverId, response: event.response });
      }
      case 'upgradeInvalidArgs':
        return call({ op: 'upgrade', child: CLIENT, id: SESSION_ID, args: INVALID_UPGRADE_ARGS });
      case 'answerUnknownId':
        return call(
          event.response === 'cap'
            ? { op: 'deliverSessionCap', child: SERVER, id: UNKNOWN_SERVER_ID }
            : { op: 'sessionResponse', child: SERVER, id: UNKNOWN_SERVER_ID, response: event.response },
        );
      case 'serverSpends':
        return call(spendingRequest(observation));
      case 'destroyClient':
        return call({ op: 'destroyChild', child: CLIENT });
      case 'destroyServer':
        return call({ op: 'destroyChild', child: SERVER });
    }
  }

  check({ event, before, after, machine, result }: StepCheck<SessionEvent>): readonly string[] {
    const problems: string[] = [];
    const context = contextOf(machine.snapshot);

    /* the call's result */
    if (!sameResult(result, context.result)) {
      problems.push(`the call returned ${formatResult(result)}, the machine expects ${formatResult(context.result)}`);
    }

    /* which session the path follows: the one the client's request created, if any */
    if (this.key === null && (event.type === 'session' || event.type === 'sessionRefused')) {
      this.key = Object.keys(after.history).find((key) => !(key in before.history)) ?? null;
    }

    /* the phases gone through within the call */
    const history = this.key === null ? [] : (after.history[this.key] ?? []);
    const phases = phasesProblem(machine.entered.map(phaseOfState), history.slice(this.historyLength));
    this.historyLength = history.length;
    if (phases !== null) problems.push(phases);

    /* the session signals the call submitted to the client */
    const signals = (observation: Observation): number => observation.children[CLIENT]?.signals.session ?? 0;
    const submitted = signals(after) - signals(before);
    const expectedSignals = context.signal ? 1 : 0;
    if (submitted !== expectedSignals) {
      problems.push(`${submitted} session signal(s) were submitted to the client, the machine expects ${expectedSignals}`);
    }

    /* the wake-ups of the serving child's service: a request left to the server must reach it */
    const woken = wakeups(after) - wakeups(before);
    const expectedWakeups = context.wakeup ? 1 : 0;
    if (woken !== expectedWakeups) {
      problems.push(`the call woke ${CHILD_SERVICE} ${woken} time(s), the machine expects ${expectedWakeups}`);
    }

    /* what the parent reported: warnings and errors, by level */
    problems.push(...checkReports(context.report, before, after));

    /* where a parent-service upgrade went: upstream, unless upstream refused it (the seed only warns) */
    problems.push(...checkUpstreamUpgrade(event, context, before, after));

    /* what the server was given for a new request: its arguments as the parent must forward them */
    const created = this.session(after);
    if (created && event.type === 'session') {
      const request = event.service === 'child' && event.atCost === true ? REQUEST_AT_COST : REQUEST;
      problems.push(...forwardedProblems(created, forwardedArgs(request, CLIENT, POLICY_ARGS, SESSION_COST)));
    }

    /* the state the machine rests in */
    problems.push(...this.checkState(machine.snapshot, after));
    return problems;
  }

  private checkState(snapshot: AnyMachineSnapshot, observation: Observation): string[] {
    const context = contextOf(snapshot);
    const session = this.session(observation);
    const state = String(snapshot.value);

    if (state === 'idle') {
      const stray = observation.sessions.find((view) => view.client === CLIENT && view.env === null);
      return stray ? [`no session was expected, but ${stray.key} exists in ${stray.phase}`] : [];
    }
    return sessionStateProblems(state, context, session, SESSION_ID);
  }

  private session(observation: Observation): SessionView | undefined {
    return this.key === null ? undefined : observation.sessions.find((view) => view.key === this.key);
  }

  describeObservation(observation: Observation): string {
    const session = this.session(observation);
    const shown = session
      ? `${session.key} ${session.phase} client-id=${session.clientId ?? '-'} server-id=${session.serverId ?? '-'} donated=${session.donated.ram}/${session.donated.caps}`
      : 'no session';
    const balance = (name: string): string => {
      const account = observation.accounts[name];
      return account ? `${name}=${account.ram}/${account.caps}` : `${name}=?`;
    };
    const accounts = [REFERENCE_ACCOUNT, UPSTREAM_ACCOUNT, pdAccount(CLIENT), pdAccount(SERVER)].map(balance);
    return `${shown}; ${accounts.join(' ')}`;
  }
}

/** How often the server's child service has been woken so far. */
function wakeups(observation: Observation): number {
  return observation.wakeups[CHILD_SERVICE] ?? 0;
}

/**
 * The quota an upgrade of a parent-service session moves upstream: all of
 * it, also when upstream answers with a denial or insufficient quota, or
 * none if upstream ran out of quota.
 */
function checkUpstreamUpgrade(
  event: SessionEvent,
  context: SessionContext,
  before: Observation,
  after: Observation,
): string[] {
  const upgraded = event.type === 'upgrade' && event.funded && context.result.kind === 'upgrade';
  const refused = event.type === 'upgradeRefusedUpstream';
  if (context.service !== 'parent' || !(upgraded || refused)) return [];
  const balance = (observation: Observation) => observation.accounts[UPSTREAM_ACCOUNT] ?? { ram: 0, caps: 0 };
  const moved = { ram: balance(after).ram - balance(before).ram, caps: balance(after).caps - balance(before).caps };
  const expected = refused ? { ram: 0, caps: 0 } : UPGRADE_QUOTA;
  return moved.ram === expected.ram && moved.caps === expected.caps
    ? []
    : [
        `upstream received ${moved.ram} bytes and ${moved.caps} caps for the upgrade, expected ${expected.ram} and ${expected.caps}` +
          (refused ? ' (upstream refused it)' : ''),
      ];
}
