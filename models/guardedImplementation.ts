/**
 * Guards an implementation under test the way the process protocol guards a
 * process: every call must settle within the step timeout, `create` must
 * return a system, `apply` a `CallResult` and `observe` an `Observation`
 * that fit the contract's schema. A call that breaks this is rejected with a
 * one-line reason (an `ImplementationFailure`), which the replay reports as
 * the path's failure.
 *
 * A call that does not settle in time, or one that fails with
 * `ImplementationUnusable` (the worker running the implementation died),
 * makes the implementation unusable: every later call is rejected at once
 * ("not run, since ..."), so a hanging implementation costs one timeout, not
 * one per path.
 *
 * A call that never returns to the event loop (a busy loop in synchronous
 * code) cannot be interrupted in the thread it runs in. A module named on
 * the command line (`--impl`) therefore runs in a worker thread
 * (`models/workerImplementation.ts`): the guard's `onHang` terminates the
 * worker, which stops even a busy loop. An implementation passed in as an
 * object (the reference, the fault catalog's variants, the tests' fakes)
 * runs in the checker's thread, where only calls that return to the event
 * loop can time out.
 */
import type { CallResult, ImplementationUnderTest, Observation, SystemDescription, SystemUnderTest } from '../impl/contract.ts';
import { ImplementationFailure } from './implementationFailure.ts';
import { isSystemUnderTest } from './loadImplementation.ts';
import { ProtocolSchemas } from './protocol.ts';

export interface GuardOptions {
  /** Longest time one call may take, in ms. */
  readonly stepTimeoutMs: number;
  readonly schemas?: ProtocolSchemas;
  /**
   * Called once, with the reason, when a call does not settle in time: ends
   * whatever runs the implementation (a worker thread), so that a call stuck
   * in a busy loop stops using a core.
   */
  readonly onHang?: (reason: string) => void;
}

/** Why `create` failed when what it gave is not a system. */
export const NO_SYSTEM = 'create did not give a SystemUnderTest (an object with apply, observe and dispose functions)';

/**
 * A failure after which the implementation cannot be used again (the worker
 * it ran in died): the guard fails this call with the message and every
 * later call at once.
 */
export class ImplementationUnusable extends ImplementationFailure {}

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
      throw new ImplementationFailure(NO_SYSTEM);
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

  /** Runs `call`, rejecting if it does not settle within the step timeout or the implementation became unusable. */
  private async within<T>(method: string, call: () => Promise<T>): Promise<T> {
    if (this.hung !== null) throw this.fault();
    const ms = this.options.stepTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const reason = `${method} did not return within ${ms} ms`;
        this.hung = reason;
        this.options.onHang?.(reason);
        reject(this.fault());
      }, ms);
    });
    try {
      return await Promise.race([call(), timeout]);
    } catch (error) {
      if (error instanceof ImplementationUnusable && this.hung === null) {
        this.hung = error.message;
        throw this.fault();
      }
      throw error;
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
