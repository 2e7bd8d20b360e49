/**
 * The number of operations applied to a system so far. Journal entries and
 * diagnostics carry the step they happened in; 0 is building the system.
 */
export class StepClock {
  private current = 0;

  get step(): number {
    return this.current;
  }

  /** Starts the next operation's step and returns its number. */
  advance(): number {
    this.current += 1;
    return this.current;
  }

  /** Takes back a step whose operation was refused as misuse before it had any effect. */
  retract(): void {
    this.current -= 1;
  }
}
