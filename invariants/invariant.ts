/**
 * The quota invariants the ledger checks: their stable ids, in the order
 * reports list them, and a one-line description of each.
 */

/** Stable ids of the quota invariants, in report order. */
export const INVARIANT_IDS = [
  'journal-explains-balances',
  'non-negative',
  'conservation',
  'atomic-transaction',
  'quota-with-owner',
  'returned-to-owner',
  'dangling-id',
] as const;

/** The id of one quota invariant; stable across releases, used in reports. */
export type InvariantId = (typeof INVARIANT_IDS)[number];

/** An invariant id with a one-line description, for reports. */
export interface InvariantInfo {
  readonly id: InvariantId;
  readonly description: string;
}

const DESCRIPTIONS: Readonly<Record<InvariantId, string>> = {
  'journal-explains-balances':
    'Replaying the new journal entries from the previous balances gives exactly the observed balances.',
  'non-negative':
    'No account balance is ever negative, neither after any single journal move nor when observed.',
  conservation:
    'Total RAM and total caps over all accounts equal the initial reference plus upstream quota.',
  'atomic-transaction':
    'Every transaction (a positive number) ends once, in commit or rollback, in the step it started; a rollback undoes all of its moves, newest first, and a commit undoes none; no move is of nothing.',
  'quota-with-owner':
    "A live session's donated quota sits with its service and its session cost with the parent; child PDs hold what the shadow book says.",
  'returned-to-owner':
    "A destroyed session's quota goes back to whoever the seed says owns it: its client, the dying server, or the reference account.",
  'dangling-id':
    'Client and server IDs are unique per child, and no ID or session outlives the child it belongs to.',
};

/** Every invariant with its description, in report order. */
export const INVARIANTS: readonly InvariantInfo[] = INVARIANT_IDS.map((id) => ({
  id,
  description: DESCRIPTIONS[id],
}));
