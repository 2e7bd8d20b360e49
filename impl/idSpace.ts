/**
 * An ID space (`Id_space`): numbered elements, unique per space. The parent
 * keeps one per child for the sessions it requested (client IDs, chosen by
 * the child), one per child for the sessions it serves (server IDs, chosen
 * by the parent), and one for its own sessions upstream.
 */
export class IdSpace<T> {
  private readonly elements = new Map<number, T>();
  private lastAllocated = 0;

  /** Adds `element` under `id`; false if the ID is taken (`Conflicting_id`). */
  insert(id: number, element: T): boolean {
    // Stryker disable next-line ConditionalExpression,BlockStatement: The only caller, `SessionState.create`, looks the ID up first and inserts only under a free one, so the ID is never taken here.
    if (this.elements.has(id)) {
      // Stryker disable next-line BooleanLiteral: The only caller, `SessionState.create`, looks the ID up first and ignores the result.
      return false;
    }
    this.elements.set(id, element);
    // Stryker disable next-line BooleanLiteral: The only caller, `SessionState.create`, looks the ID up first and ignores the result.
    return true;
  }

  /**
   * Adds `element` under a fresh ID and returns it. IDs count up from 1 and
   * are not reused until the counter passes them again, as in Genode.
   */
  allocate(element: T): number {
    // A `next-line` directive cannot reach the loop condition, so this one covers the loop and is restored after it.
    // Stryker disable ConditionalExpression: No space is filled by both `insert` and `allocate`, so the counter is always above every ID in use and the loop never needs to repeat.
    do {
      this.lastAllocated += 1;
    } while (this.elements.has(this.lastAllocated));
    // Stryker restore ConditionalExpression
    this.elements.set(this.lastAllocated, element);
    return this.lastAllocated;
  }

  remove(id: number): void {
    this.elements.delete(id);
  }

  lookup(id: number): T | undefined {
    return this.elements.get(id);
  }

  // Stryker disable next-line BlockStatement: Only `Upstream.openSessions` reads the size, and neither an observation nor a call result carries it.
  get size(): number {
    return this.elements.size;
  }

  /** The element with the lowest ID, for the seed's `apply_any` loops, which may take any element. */
  any(): T | undefined {
    const [first] = this.ascending();
    return first === undefined ? undefined : first[1];
  }

  /**
   * Elements with their IDs, lowest ID first, as a snapshot: the order of
   * the seed's `for_each`, since Genode keeps an ID space as a tree sorted
   * by ID and walks it in order. `close_all_sessions` closes CPU sessions in
   * this order, so it shows in the journal.
   */
  ascending(): readonly (readonly [number, T])[] {
    return [...this.elements.entries()].sort(([a], [b]) => a - b);
  }
}
