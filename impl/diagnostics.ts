import type { Diagnostic } from './contract.ts';
import type { StepClock } from './clock.ts';

/**
 * The warnings and errors the parent reports, in order, each stamped with the
 * step it happened in. A library never prints; the checker reads these.
 */
export class Diagnostics {
  private readonly log: Diagnostic[] = [];

  constructor(private readonly clock: StepClock) {}

  warning(message: string): void {
    this.log.push({ step: this.clock.step, level: 'warning', message });
  }

  error(message: string): void {
    this.log.push({ step: this.clock.step, level: 'error', message });
  }

  get entries(): readonly Diagnostic[] {
    return this.log;
  }
}
