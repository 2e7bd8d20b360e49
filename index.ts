/**
 * genode-child-spec: the public API. Everything a program needs to specify,
 * check and report on the Genode parent/child session protocol; nothing
 * else is promised to stay.
 */

/* The contract an implementation under test offers (version CONTRACT_VERSION). */
export {
  CONTRACT_VERSION,
  ENV_SESSION_IDS,
  PHASES,
  REFERENCE_ACCOUNT,
  SERVICE_NAME_MAX,
  SESSION_ARGS_MAX,
  UPSTREAM_ACCOUNT,
  alive,
  closed,
  pdAccount,
} from './impl/contract.ts';
export type {
  AccountView,
  CallError,
  CallResult,
  ChildDescription,
  ChildView,
  Diagnostic,
  EnvSession,
  ImplementationUnderTest,
  JournalEntry,
  Observation,
  Operation,
  OperationName,
  Phase,
  ProcessOutcome,
  Quota,
  RouteDescription,
  RouteTarget,
  ServiceAnswer,
  ServiceDescription,
  ServiceKind,
  SessionResponse,
  SessionView,
  Signals,
  SystemDescription,
  SystemUnderTest,
  UpstreamAnswer,
} from './impl/contract.ts';

/* The reference implementation of the seed. */
export { referenceImplementation } from './impl/reference.ts';

/* The specification: the statecharts. */
export { sessionMachine } from './machines/session.ts';
export type { SessionContext, SessionEvent } from './machines/session.ts';
export { childMachine } from './machines/child.ts';
export type { ChildContext, ChildEvent } from './machines/child.ts';

/* Checking an implementation against them. */
export { listPaths, runCheck } from './models/check.ts';
export type { CheckOptions, CheckProgress, CheckReport, CheckSummary, FailureReport, MachineReport } from './models/check.ts';
export { MACHINE_NAMES } from './models/registry.ts';
export type { MachineName } from './models/registry.ts';

/* The quota invariants. */
export { INVARIANTS, Ledger, assertNoViolations, formatViolation } from './invariants/index.ts';
export type { InvariantId, InvariantInfo, Violation } from './invariants/index.ts';

/* The catalog of faulty implementations. */
export { VARIANTS, findVariant } from './faults/catalog.ts';
export type { Variant } from './faults/catalog.ts';
export { loadVariant } from './faults/load.ts';
export { runMutants } from './faults/mutants.ts';
export type { MutantResult, MutantsReport } from './faults/mutants.ts';

/* Reports and diagrams. */
export { checkMarkdown, failureTrace, summaryOf, writeCheckReports } from './reports/checkReport.ts';
export { chartOf } from './reports/chart.ts';
export type { Chart } from './reports/chart.ts';
export { DIAGRAM_FORMATS, renderDiagram } from './reports/diagram.ts';
export type { DiagramFormat } from './reports/diagram.ts';
