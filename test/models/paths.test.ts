import { expect } from 'chai';
import { createActor, type AnyMachineSnapshot, type EventObject } from 'xstate';

import { childBinding } from '../../models/childModel.ts';
import { generatePaths } from '../../models/paths.ts';
import { sessionBinding } from '../../models/sessionModel.ts';
import { Coverage, takeStep } from '../../models/transitions.ts';
import type { Binding } from '../../models/binding.ts';

function staticCoverage<TEvent extends EventObject>(binding: Binding<TEvent>) {
  const generated = generatePaths(binding);
  const coverage = new Coverage(generated.shape);
  coverage.recordInitial(createActor(binding.machine).getSnapshot());
  for (const path of generated.paths) {
    let snapshot: AnyMachineSnapshot | undefined;
    for (const event of path.events) {
      const step = takeStep(binding.machine, generated.shape, snapshot, event);
      coverage.record(step);
      snapshot = step.snapshot;
    }
  }
  return { generated, summary: coverage.summary() };
}

for (const binding of [sessionBinding, childBinding] as const) {
  describe(`models/paths: ${binding.name}`, () => {
    const { generated, summary } = staticCoverage(binding as Binding<EventObject>);

    it('takes every transition of the machine', () => {
      expect(summary.uncoveredTransitions).to.deep.equal([]);
      expect(summary.transitions.covered).to.equal(generated.shape.transitions.length);
    });

    it('reaches every state of the machine', () => {
      expect(summary.uncoveredStates).to.deep.equal([]);
    });

    it('keeps no path that is a prefix of another', () => {
      const keyOf = (events: readonly unknown[]): string => events.map((event) => JSON.stringify(event)).join('\n');
      const properPrefixes = new Set(
        generated.paths.flatMap((path) => path.events.slice(1).map((_, end) => keyOf(path.events.slice(0, end + 1)))),
      );
      const prefixes = generated.paths.filter((path) => properPrefixes.has(keyOf(path.events))).map((path) => path.id);
      expect(prefixes).to.deep.equal([]);
    });

    it('titles each path by its event chain', () => {
      for (const path of generated.paths) expect(path.title.split(' → ')).to.have.length(path.events.length);
    });
  });
}
