import { REFERENCE_ACCOUNT, UPSTREAM_ACCOUNT, pdAccount } from './contract.ts';
import type {
  AccountView,
  CallResult,
  ChildDescription,
  ChildView,
  Observation,
  Operation,
  SystemDescription,
  UpstreamAnswer,
} from './contract.ts';
import { Account } from './account.ts';
import { AnswerQueue } from './answerQueue.ts';
import { Child } from './child.ts';
import { ChildService } from './childService.ts';
import { StepClock } from './clock.ts';
import { validateDescription } from './description.ts';
import { Diagnostics } from './diagnostics.ts';
import { UsageError } from './errors.ts';
import { QuotaJournal } from './journal.ts';
import { LocalService } from './localService.ts';
import { UNSTARTED_CHILD, accountView, childView, sessionView } from './observation.ts';
import { dispatch } from './operations.ts';
import type { OperationTarget } from './operations.ts';
import { ParentService } from './parentService.ts';
import type { ParentContext } from './parentContext.ts';
import { ChildPolicy } from './policy.ts';
import type { ServiceDirectory } from './policy.ts';
import { CapQuota, RamQuota } from './quota.ts';
import type { Service } from './service.ts';
import { SessionRegistry } from './sessionRegistry.ts';
import { Upstream } from './upstream.ts';

/** A child of the description, constructed or not. */
interface ChildSlot {
  readonly description: ChildDescription;
  readonly account: Account;
  child: Child | null;
}

/** A local or parent service with the queue of its answers. */
interface ParentSideService {
  readonly service: LocalService | ParentService;
  readonly answers: AnswerQueue;
}

/**
 * A parent with its reference account, upstream, services and children,
 * built from a `SystemDescription`: the reference implementation's
 * synchronous core. `apply` carries out one operation through the handler
 * table; `observe` reports everything the checker may look at.
 *
 * Misuse (an unknown, unstarted or destroyed child, answers for an unknown
 * service, a malformed description or operation) throws a `UsageError` and
 * leaves the system as it was; every protocol outcome is a `CallResult`.
 */
export class System implements OperationTarget, ServiceDirectory {
  private readonly clock = new StepClock();
  private readonly context: ParentContext;
  private readonly upstream: Upstream;
  private readonly parentSide = new Map<string, ParentSideService>();
  private readonly childServices = new Map<string, ChildService>();
  private readonly slots = new Map<string, ChildSlot>();

  private constructor(description: SystemDescription) {
    const upstreamAccount = Account.open(
      UPSTREAM_ACCOUNT,
      {
        ram: RamQuota.bytes(description.upstream.ram),
        caps: CapQuota.count(description.upstream.caps),
      },
      null,
    );
    const reference = Account.open(
      REFERENCE_ACCOUNT,
      {
        ram: RamQuota.bytes(description.reference.ram),
        caps: CapQuota.count(description.reference.caps),
      },
      upstreamAccount,
    );
    const journal = new QuotaJournal(this.clock);
    const diagnostics = new Diagnostics(this.clock);
    this.context = {
      journal,
      diagnostics,
      sessions: new SessionRegistry(),
      reference,
      sessionCost: RamQuota.bytes(description.sessionCost),
    };
    this.upstream = new Upstream(upstreamAccount, reference, journal, diagnostics);

    for (const { name, kind } of description.services) {
      const answers = new AnswerQueue();
      const service =
        kind === 'local'
          ? new LocalService(name, answers)
          : new ParentService(name, this.upstream, answers, diagnostics);
      this.parentSide.set(name, { service, answers });
    }
    for (const child of description.children) {
      this.slots.set(child.name, {
        description: child,
        account: Account.withoutCapability(pdAccount(child.name)),
        child: null,
      });
    }
  }

  /**
   * Builds the system (step 0) and constructs every child whose description
   * does not say `start: false`, in the order described. Throws a
   * `UsageError` for a malformed description.
   */
  static build(description: SystemDescription): System {
    validateDescription(description);
    const system = new System(description);
    for (const slot of system.slots.values()) {
      if (slot.description.start ?? true) {
        system.construct(slot);
      }
    }
    return system;
  }

  /** Carries out one operation as the next step. Throws `UsageError` on misuse. */
  apply(operation: Operation): CallResult {
    this.clock.advance();
    try {
      return dispatch(this, operation);
    } catch (error) {
      if (error instanceof UsageError) {
        this.clock.retract();
      }
      throw error;
    }
  }

  /**
   * A snapshot of everything the checker may look at.
   *
   * Limitation: the snapshot holds the whole journal and session history
   * each time, so its size grows with the length of a path; the ledger
   * reads only new entries, but across a process boundary the whole
   * observation is serialised and validated at every step.
   */
  observe(): Observation {
    const accounts: Record<string, AccountView> = {
      [REFERENCE_ACCOUNT]: accountView(this.context.reference),
      [UPSTREAM_ACCOUNT]: accountView(this.upstream.account),
    };
    const children: Record<string, ChildView> = {};
    for (const [name, slot] of this.slots) {
      accounts[slot.account.name] = accountView(slot.account);
      children[name] = slot.child === null ? UNSTARTED_CHILD : childView(slot.child);
    }
    // Every child service a request was routed to, woken or not (the
    // contract lets an observation leave out the ones never woken, or not).
    const wakeups: Record<string, number> = {};
    for (const [key, service] of this.childServices) {
      wakeups[key] = service.wakeupCount;
    }
    return {
      step: this.clock.step,
      accounts,
      sessions: this.context.sessions.sessions.map(sessionView),
      history: this.context.sessions.history(),
      children,
      wakeups,
      diagnostics: [...this.context.diagnostics.entries],
      journal: [...this.context.journal.entries],
    };
  }

  /* ------------------------------------------------ OperationTarget */

  child(name: string): Child {
    const child = this.slot(name).child;
    if (child === null) {
      throw new UsageError(`child ${name} has not been started`);
    }
    if (child.destroyed) {
      throw new UsageError(`child ${name} has been destroyed`);
    }
    return child;
  }

  startChild(name: string): void {
    const slot = this.slot(name);
    if (slot.child !== null) {
      throw new UsageError(`child ${name} has already been started`);
    }
    this.construct(slot);
  }

  setAnswers(service: string, answers: readonly UpstreamAnswer[]): void {
    const entry = this.parentSide.get(service);
    if (entry === undefined) {
      throw new UsageError(`no local or parent service named ${service}`);
    }
    entry.answers.set(answers);
  }

  /* ------------------------------------------------ ServiceDirectory */

  parentSideService(kind: 'local' | 'parent', name: string): Service | undefined {
    const entry = this.parentSide.get(name);
    // Stryker disable next-line OptionalChaining: `validateDescription` ensures that every local or parent route names a declared service of that kind, so `entry` is always there.
    return entry?.service.kind === kind ? entry.service : undefined;
  }

  childService(server: string, name: string): Service | null {
    const child = this.slots.get(server)?.child ?? null;
    if (child === null || child.destroyed) {
      return null;
    }
    const key = `${server}/${name}`;
    const known = this.childServices.get(key);
    if (known !== undefined) {
      return known;
    }
    const service = new ChildService(name, child);
    this.childServices.set(key, service);
    return service;
  }

  private slot(name: string): ChildSlot {
    const slot = this.slots.get(name);
    if (slot === undefined) {
      throw new UsageError(`no child named ${name}`);
    }
    return slot;
  }

  private construct(slot: ChildSlot): void {
    const policy = new ChildPolicy(slot.description, this.context, this);
    slot.child = Child.start(policy, this.context, slot.account);
  }
}
