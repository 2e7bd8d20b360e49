import type { Diagnostic } from '../impl/contract.ts';

/** The level a chart expects the parent to report at during a call (spec §6), or none. */
export type ReportLevel = 'none' | Diagnostic['level'];
