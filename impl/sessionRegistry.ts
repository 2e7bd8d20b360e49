import type { Phase } from './contract.ts';
import type { SessionState } from './sessionState.ts';

/** A phase a session state entered, or its destruction. */
export type HistoryEntry = Phase | 'DESTROYED';

/**
 * Every session state of a system: the ones that exist, in the order they
 * were created, and the phases each one ever entered, under a key that is
 * unique for the life of the system (`s1`, `s2`, ...).
 */
export class SessionRegistry {
  private lastKey = 0;
  private readonly live = new Set<SessionState>();
  private readonly phases = new Map<string, HistoryEntry[]>();

  /** Registers a new session state in `phase` and returns its key. */
  register(session: SessionState, phase: Phase): string {
    // Stryker disable next-line AssignmentOperator: Keys need only be unique over the system's life and reproducible (docs/implementing.md), and counting down (`s-1`, `s-2`, ...) keeps them so.
    this.lastKey += 1;
    const key = `s${this.lastKey}`;
    this.live.add(session);
    this.phases.set(key, [phase]);
    return key;
  }

  entered(key: string, entry: HistoryEntry): void {
    const phases = this.phases.get(key);
    // Stryker disable next-line ConditionalExpression,BlockStatement: Only `SessionState.enter` and `destroyed` call this, with the key `register` gave the state, which is never forgotten; and an unknown key would fail the call on `push` all the same.
    if (phases === undefined) {
      // Stryker disable next-line StringLiteral: The message of an error that is never thrown (see above).
      throw new Error(`unknown session key ${key}`);
    }
    phases.push(entry);
  }

  destroyed(session: SessionState): void {
    this.live.delete(session);
    this.entered(session.key, 'DESTROYED');
  }

  /** Session states that exist now, oldest first. */
  get sessions(): readonly SessionState[] {
    return [...this.live];
  }

  /** Phases entered by every session state ever created, as a snapshot. */
  history(): Record<string, readonly HistoryEntry[]> {
    const result: Record<string, readonly HistoryEntry[]> = {};
    for (const [key, phases] of this.phases) {
      result[key] = [...phases];
    }
    return result;
  }
}
