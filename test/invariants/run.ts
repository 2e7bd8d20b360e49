/**
 * A ledger following a `World`: build, then apply one step at a time and
 * collect what the ledger says.
 */

import type { SystemDescription } from '../../impl/contract.ts';
import { Ledger, type InvariantId, type Violation } from '../../invariants/index.ts';
import { twoChildren } from './protocol.ts';
import { World } from './world.ts';

export class Run {
  readonly world: World;
  readonly ledger: Ledger;

  /** Builds the system with `build` (default: construct every child) and opens the ledger on it. */
  constructor(
    description: SystemDescription = twoChildren(),
    build: (world: World) => void = constructAll,
  ) {
    this.world = new World(description);
    build(this.world);
    this.ledger = new Ledger(description, this.world.observe());
  }

  /** One step: `act` changes the world, then the ledger observes it. */
  step(label: string, act: (world: World) => void): Violation[] {
    this.world.step += 1;
    act(this.world);
    return this.ledger.observe(this.world.observe(), label);
  }
}

export function constructAll(world: World): void {
  for (const child of world.description.children) {
    world.construct(child.name);
  }
}

/** The invariant ids of `violations`, in order. */
export function idsOf(violations: readonly Violation[]): InvariantId[] {
  return violations.map((violation) => violation.invariant);
}
