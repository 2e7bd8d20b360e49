import type { CallError, Phase } from './contract.ts';

/**
 * The error a session-creation failure is reported as, or null for a phase
 * that is not a failed creation (`SERVICE_DENIED`, `INSUFFICIENT_RAM_QUOTA`,
 * `INSUFFICIENT_CAP_QUOTA`).
 */
export function creationFailure(phase: Phase): CallError | null {
  switch (phase) {
    case 'SERVICE_DENIED':
      return 'denied';
    case 'INSUFFICIENT_RAM_QUOTA':
      return 'insufficientRam';
    case 'INSUFFICIENT_CAP_QUOTA':
      return 'insufficientCaps';
    case 'CREATE_REQUESTED':
    case 'AVAILABLE':
    case 'CAP_HANDED_OUT':
    case 'UPGRADE_REQUESTED':
    // Stryker disable next-line StringLiteral: Callers ask about a session just requested, which is not closing yet, or one found under its client ID, and a state leaves its client's ID space (or is destroyed) as it enters CLOSE_REQUESTED or CLOSED; only environment sessions keep theirs a moment longer, inside `close_all_sessions`, which asks nothing about them.
    case 'CLOSE_REQUESTED':
    // Stryker disable next-line StringLiteral: Callers ask about a session just requested, which is not closing yet, or one found under its client ID, and a state leaves its client's ID space (or is destroyed) as it enters CLOSE_REQUESTED or CLOSED; only environment sessions keep theirs a moment longer, inside `close_all_sessions`, which asks nothing about them.
    case 'CLOSED':
      return null;
  }
}

/** Whether the session's creation failed (denied or insufficient quota). */
export function creationFailed(phase: Phase): boolean {
  return creationFailure(phase) !== null;
}

/**
 * Whether a pending notification is due for this phase once the client
 * installs its session signal handler (`session_sigh`).
 */
export function notificationPending(phase: Phase): boolean {
  switch (phase) {
    case 'AVAILABLE':
    case 'INSUFFICIENT_RAM_QUOTA':
    case 'INSUFFICIENT_CAP_QUOTA':
    case 'SERVICE_DENIED':
      return true;
    // Stryker disable next-line StringLiteral: An unmatched phase makes the function return undefined, which its only caller, `sessionSigh`, takes as false.
    case 'CREATE_REQUESTED':
    // Stryker disable next-line StringLiteral: An unmatched phase makes the function return undefined, which its only caller, `sessionSigh`, takes as false.
    case 'CAP_HANDED_OUT':
    // Stryker disable next-line StringLiteral: An unmatched phase makes the function return undefined, which its only caller, `sessionSigh`, takes as false.
    case 'UPGRADE_REQUESTED':
    // Stryker disable next-line StringLiteral: An unmatched phase makes the function return undefined, which its only caller, `sessionSigh`, takes as false.
    case 'CLOSE_REQUESTED':
    // Stryker disable next-line StringLiteral,ConditionalExpression: Falling off the end returns undefined, which the only caller, `sessionSigh`, takes as false.
    case 'CLOSED':
      return false;
  }
}
