import type { Quota, SystemDescription } from './contract.ts';
import { UsageError } from './errors.ts';

function checkAmount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new UsageError(`${what} must be a non-negative integer, got ${value}`);
  }
}

function checkQuota(quota: Quota, what: string): void {
  // Stryker disable StringLiteral: Each text names the amount only in the message of the UsageError, which the contract leaves free.
  checkAmount(quota.ram, `${what} RAM`);
  checkAmount(quota.caps, `${what} caps`);
  // Stryker restore StringLiteral
}

/**
 * Checks that a system description is well formed; throws a `UsageError`
 * naming the first problem: a negative or fractional amount, a duplicate
 * child or service name, or a route to a local or parent service that is
 * not declared with that kind. Routes to children that do not exist are
 * fine: such requests are denied.
 */
export function validateDescription(description: SystemDescription): void {
  // Stryker disable StringLiteral: Each text names the amount only in the message of the UsageError, which the contract leaves free.
  checkAmount(description.sessionCost, 'sessionCost');
  checkQuota(description.reference, 'reference');
  checkQuota(description.upstream, 'upstream');
  // Stryker restore StringLiteral

  const services = new Map<string, 'local' | 'parent'>();
  for (const service of description.services) {
    if (services.has(service.name)) {
      throw new UsageError(`service ${service.name} is declared twice`);
    }
    services.set(service.name, service.kind);
  }

  const children = new Set<string>();
  for (const child of description.children) {
    if (children.has(child.name)) {
      throw new UsageError(`child ${child.name} is declared twice`);
    }
    children.add(child.name);
    // Stryker disable next-line StringLiteral: The text names the amount only in the message of the UsageError, which the contract leaves free.
    checkQuota(child.quota, `quota of ${child.name}`);
    if (child.envQuota !== undefined) {
      // Stryker disable next-line StringLiteral: The text names the amount only in the message of the UsageError, which the contract leaves free.
      checkQuota(child.envQuota, `envQuota of ${child.name}`);
    }
    for (const route of child.routes) {
      const to = route.to;
      if ((to.kind === 'local' || to.kind === 'parent') && services.get(to.name) !== to.kind) {
        throw new UsageError(
          `child ${child.name} routes to undeclared ${to.kind} service ${to.name}`,
        );
      }
    }
  }
}
