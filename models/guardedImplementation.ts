/**
 * Guards an in-process implementation under test (one loaded with
 * `--impl`) the way the process protocol guards a process: every call must
 * settle within the step timeout, `create` must return a system, `apply` a
 * `CallResult` and `observe` an `Observation` that fit the contract's
 * schema. A call that breaks this is rejected with a one-line reason (an
 * `ImplementationFailure`), which the replay reports as the path's failure.
 *
 * A call that does not settle in time makes the implementation unusable:
 * every later call is rejected at once ("not run, since ..."), so a hanging
 * implementation costs one timeout, not one per path.
 *
 * Limitation: a call that never returns to the event loop (a busy loop in
 * synchronous code) cannot be interrupted in-process; run such an
 * implementation across a process boundary (`--exec`), where it is killed.
 */
import type { CallResult, ImplementationUnderTest, Observation, SystemDescription, SystemUnderTest } from '../impl/contract.ts';
import { ImplementationFailure } from './implementationFailure.ts';
import { isSystemUnderTest } from './loadImplementation.ts';
import { ProtocolSchemas } from './protocol.ts';

export interface GuardOptions {
  /** Longest time one call may take, in ms. */
  readonly stepTimeoutMs: number;
  readonly schemas?: ProtocolSchemas;
}

export class GuardedImplementation implements ImplementationUnderTest {
  private hung: string | null = null;
  private surfaced = false;
  private readonly schemas: ProtocolSchemas;

  constructor(
    private readonly inner: ImplementationUnderTest,
    private readonly options: GuardOptions,
  ) {
    this.schemas = options.schemas ?? ProtocolSchemas.load();
  }

  get name(): string {
    return this.inner.name;
  }

  /** Why the implementation became unusable, in one line; null while it is usable. */
  get failure(): string | null {
    return this.hung;
  }

  async create(description: SystemDescription): Promise<SystemUnderTest> {
    const system: unknown = await this.within('create', () => this.inner.create(description));
    if (!isSystemUnderTest(system)) {
      throw new ImplementationFailure('create did not give a SystemUnderTest (an object with apply, observe and dispose functions)');
    }
    return {
      apply: async (operation) => {
        const result: unknown = await this.within('apply', () => system.apply(operation));
        return this.checked<CallResult>('CallResult', 'apply', result);
      },
      observe: async () => {
        const observation: unknown = await this.within('observe', () => system.observe());
        return this.checked<Observation>('Observation', 'observe', observation);
      },
      dispose: async () => this.within('dispose', () => system.dispose()),
    };
  }

  private checked<T>(definition: 'CallResult' | 'Observation', method: string, value: unknown): T {
    const checked = this.schemas.checkContract<T>(definition, value);
    if (!checked.ok) {
      throw new ImplementationFailure(`what ${method} returned is not a valid ${definition} (schemas/contract.schema.json): ${checked.problem}`);
    }
    return checked.value;
  }

  /** Runs `call`, rejecting if it does not settle within the step timeout or the implementation hung before. */
  private async within<T>(method: string, call: () => Promise<T>): Promise<T> {
    if (this.hung !== null) throw this.fault();
    const ms = this.options.stepTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.hung = `${method} did not return within ${ms} ms`;
        reject(this.fault());
      }, ms);
    });
    try {
      return await Promise.race([call(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private fault(): ImplementationFailure {
    if (this.surfaced) return new ImplementationFailure(`not run, since the implementation failed earlier: ${this.hung ?? 'unknown'}`);
    this.surfaced = true;
    return new ImplementationFailure(this.hung ?? 'the implementation is unusable');
  }
}
