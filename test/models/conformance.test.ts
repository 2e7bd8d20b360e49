/**
 * The model-based check of the reference implementation as one test per
 * generated path, titled by its event chain. This is also the test command
 * of mutation testing (stryker.config.json), whose per-test coverage then
 * runs only the paths that reach a mutant.
 */
import { expect } from 'chai';

import { referenceImplementation } from '../../impl/reference.ts';
import { generatePaths } from '../../models/paths.ts';
import { MACHINE_NAMES, withBinding } from '../../models/registry.ts';
import { replayPath } from '../../models/replay.ts';
import { failureTrace } from '../../reports/checkReport.ts';

for (const name of MACHINE_NAMES) {
  withBinding(name, (binding) => {
    const { paths, shape } = generatePaths(binding);
    describe(`conformance of the reference implementation: ${name} chart`, () => {
      for (const path of paths) {
        it(`${path.id}: ${path.title}`, async () => {
          const result = await replayPath(binding, shape, path, referenceImplementation);
          const failure = result.failure;
          const trace = failure
            ? failureTrace({
                path: path.id,
                machine: path.machine,
                title: path.title,
                ...failure,
                trace: result.steps,
                replay: `child-spec check --path ${path.id}`,
              }).join('\n')
            : '';
          expect(failure, trace).to.equal(null);
        });
      }
    });
  });
}
