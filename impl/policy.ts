import type { ChildDescription, ProcessOutcome, RouteTarget } from './contract.ts';
import type { Account } from './account.ts';
import type { ArgString } from './argString.ts';
import type { ParentContext } from './parentContext.ts';
import { CapQuota, RamQuota } from './quota.ts';
import type { Service } from './service.ts';
import { Transaction } from './transfer.ts';

/** Where a session request goes (`Child_policy::Route`). */
export interface Route {
  readonly service: Service;
  /** The label presented to the server. */
  readonly label: string;
}

/** The services a route can name. */
export interface ServiceDirectory {
  /** The parent's own service of that kind and name, if declared. */
  parentSideService(kind: 'local' | 'parent', name: string): Service | undefined;
  /** Service `name` of child `server`, or null if that child is not constructed or destroyed. */
  childService(server: string, name: string): Service | null;
}

/** Quota the parent asks for with each environment session. */
export interface EnvQuota {
  readonly ram: RamQuota;
  readonly caps: CapQuota;
}

/**
 * The parent's policy for one child (`Child_policy`, as init implements it),
 * driven by the child's description: routing by service name and label
 * prefix (first match wins), the arguments it imposes on session requests,
 * the funding of the child's PD, and the record of what the child told the
 * parent (announcements, exit, yield responses, resource requests).
 */
export class ChildPolicy {
  readonly announced: string[] = [];
  readonly resourceRequests: string[] = [];
  exitValue: number | null = null;
  yieldResponses = 0;

  constructor(
    private readonly description: ChildDescription,
    private readonly parent: ParentContext,
    private readonly directory: ServiceDirectory,
  ) {}

  get name(): string {
    return this.description.name;
  }

  get referenceAccount(): Account {
    return this.parent.reference;
  }

  get sessionCost(): RamQuota {
    return this.parent.sessionCost;
  }

  /** Label of the ROM session for the child's binary. */
  get binaryLabel(): string {
    return `${this.name} -> binary`;
  }

  /** Label of the ROM session for the dynamic linker. */
  get linkerLabel(): string {
    return `${this.name} -> ld.lib.so`;
  }

  get wantsLinker(): boolean {
    return this.description.dynamic ?? true;
  }

  get processOutcome(): ProcessOutcome {
    return this.description.process ?? 'ok';
  }

  get envQuota(): EnvQuota {
    const quota = this.description.envQuota ?? { ram: 0, caps: 0 };
    return { ram: RamQuota.bytes(quota.ram), caps: CapQuota.count(quota.caps) };
  }

  /**
   * Routes a request for `serviceName` with the (prefixed) `label`; null
   * when it is denied: no route matches, the route denies, or the target
   * does not exist.
   */
  resolveSessionRequest(serviceName: string, label: string): Route | null {
    for (const route of this.description.routes) {
      if (route.service !== '*' && route.service !== serviceName) {
        continue;
      }
      if (route.labelPrefix !== undefined && !label.startsWith(route.labelPrefix)) {
        continue;
      }
      const service = this.target(route.to);
      return service === null ? null : { service, label };
    }
    return null;
  }

  /** Sets the description's `setArgs` on a request's arguments (`filter_session_args`). */
  filterSessionArgs(args: ArgString): ArgString {
    let filtered = args;
    for (const [key, value] of Object.entries(this.description.setArgs ?? {})) {
      filtered = filtered.set(key, value);
    }
    return filtered;
  }

  /**
   * Sets up the child's PD account (`Child_policy::init` for the PD): makes
   * the reference account its reference and funds it with the described
   * quota, RAM and caps in separate transactions. A reference account that
   * holds too little leaves that part unfunded and logs an error.
   */
  init(pd: Account): void {
    pd.validate(this.parent.reference);
    const quota = this.description.quota;
    // Stryker disable next-line StringLiteral: The unit only appears in the wording of the error diagnostic, and the contract exposes a diagnostic's level, not its words.
    this.fund(pd, RamQuota.bytes(quota.ram), 'RAM');
    // Stryker disable next-line StringLiteral: The unit only appears in the wording of the error diagnostic, and the contract exposes a diagnostic's level, not its words.
    this.fund(pd, CapQuota.count(quota.caps), 'cap');
  }

  announceService(name: string): void {
    this.announced.push(name);
  }

  exit(value: number): void {
    this.exitValue = value;
  }

  yieldResponse(): void {
    this.yieldResponses += 1;
  }

  resourceRequest(args: string): void {
    this.resourceRequests.push(args);
  }

  private target(to: RouteTarget): Service | null {
    switch (to.kind) {
      // Stryker disable next-line ConditionalExpression: Falling through asks the directory for a parent-side service of kind 'deny', which never exists, so the answer is null either way.
      case 'deny':
        return null;
      case 'local':
      case 'parent':
        return this.directory.parentSideService(to.kind, to.name) ?? null;
      case 'child':
        return this.directory.childService(to.server, to.name);
    }
  }

  private fund(pd: Account, amount: RamQuota | CapQuota, unit: string): void {
    const funding = Transaction.begin(this.parent.journal, this.parent.diagnostics);
    if (funding.transfer(amount, this.parent.reference, pd).kind === 'quotaExceeded') {
      funding.rollback();
      this.parent.diagnostics.error(`${this.name}: unable to initialize ${unit} quota of PD`);
      return;
    }
    funding.commit();
  }
}
