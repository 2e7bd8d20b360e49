import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { INVARIANT_IDS } from '../../invariants/index.ts';
import { coverageFailures, runCheck, type CheckReport, type FailureReport, type MachineReport } from '../../models/check.ts';
import { visitPage } from '../../reports/browser.ts';
import { writeCheckReports } from '../../reports/checkReport.ts';
import { reportHtml } from '../../reports/html.ts';
import { junitXml } from '../../reports/junit.ts';
import { HTML_NAME, MARKDOWN_NAME, machineDiagram, writeReport } from '../../reports/report.ts';
import { readReportInput, ReportInputError, type FaultCatalogReport, type ReportInput } from '../../reports/reportInput.ts';
import { upgradeMisreported } from '../../reports/screenshot.ts';
import { reportMarkdown } from '../../reports/summaryMarkdown.ts';
import { chartOf } from '../../reports/chart.ts';
import { xmlElements } from './xmlElements.ts';

const MUTANTS: FaultCatalogReport = {
  total: 2,
  killed: 1,
  variants: [
    { name: 'session-cost-kept', description: 'the session cost is kept on close', killed: true, by: 'invariant:returned-to-owner', steps: 4, ms: 410 },
    { name: 'quiet-fault', description: 'a fault no path reaches', killed: false, by: null, steps: 0, ms: 950 },
  ],
};

/** The report with one transition and one state of the child chart taken out of its coverage. */
function withGap(check: CheckReport): CheckReport {
  const machines = check.machines.map((machine): MachineReport => {
    if (machine.name !== 'child') return machine;
    const [missed, ...covered] = machine.coverage.coveredTransitions;
    return {
      ...machine,
      coverage: {
        ...machine.coverage,
        coveredTransitions: covered,
        uncoveredTransitions: missed ? [missed] : [],
        uncoveredStates: ['child.startFailed'],
      },
    };
  });
  return { ...check, machines };
}

describe('reports/report', function () {
  this.timeout(180_000);
  let check: CheckReport;
  let input: ReportInput;

  before(async () => {
    check = await runCheck({ implementation: upgradeMisreported });
    input = { check: withGap(check), mutants: MUTANTS, sources: ['check.json', 'mutants.json'] };
  });

  it('starts from a failing check whose failures name the transitions of their failing step', () => {
    expect(check.ok).to.equal(false);
    expect(check.failures.length).to.be.greaterThan(0);
    for (const failure of check.failures) expect(failure.transitions, failure.path).to.not.be.empty;
    expect(Object.keys(check.invariants)).to.have.members([...INVARIANT_IDS]);
    expect(Object.values(check.invariants).reduce((sum, count) => sum + count, 0)).to.equal(check.invariantChecks);
  });

  describe('reading its input', () => {
    it('reads check.json and mutants.json back', async () => {
      const directory = await mkdtemp(join(tmpdir(), 'child-spec-report-'));
      await writeCheckReports(check, directory);
      expect((await readReportInput(directory)).mutants).to.equal(null);
      await writeFile(join(directory, 'mutants.json'), JSON.stringify(MUTANTS));
      const read = await readReportInput(directory);
      expect(read.check.paths).to.equal(check.paths);
      expect(read.mutants?.killed).to.equal(1);
      expect(read.sources).to.have.length(2);
    });

    it('reads back and renders a check whose failures include uncovered transitions', async () => {
      const gap = withGap(check);
      const child = gap.machines.find((machine) => machine.name === 'child');
      if (child === undefined) throw new Error('no child chart in the check');
      const uncovered = coverageFailures(child);
      expect(uncovered.map((failure) => failure.kind)).to.include('coverage');
      const directory = await mkdtemp(join(tmpdir(), 'child-spec-report-'));
      await writeCheckReports({ ...gap, failures: [...gap.failures, ...uncovered] }, directory);
      const read = await readReportInput(directory);
      expect(read.check.failures.filter((failure) => failure.kind === 'coverage')).to.have.length(uncovered.length);
      const written = await writeReport(read, { out: directory });
      const page = await readFile(written.find((file) => file.endsWith(HTML_NAME)) ?? '', 'utf8');
      expect(page).to.include('no generated path covers state child.startFailed');
    });

    it('asks for a check when there is no check.json', async () => {
      const directory = await mkdtemp(join(tmpdir(), 'child-spec-report-'));
      const error = await readReportInput(directory).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(ReportInputError);
      expect(String(error)).to.include('run `child-spec check` first');
    });

    it('names the first field a foreign check.json or mutants.json lacks', async () => {
      const directory = await mkdtemp(join(tmpdir(), 'child-spec-report-'));
      await writeFile(join(directory, 'check.json'), JSON.stringify({ ...check, machines: [{ name: 'session' }] }));
      const error = await readReportInput(directory).catch((caught: unknown) => caught);
      expect(String(error)).to.include('machines[0].paths: expected a number');
      await writeCheckReports(check, directory);
      await writeFile(join(directory, 'mutants.json'), '{"total": 1}');
      expect(String(await readReportInput(directory).catch((caught: unknown) => caught))).to.include('mutants.json is not a fault-catalog report (killed');
    });
  });

  describe('the HTML page', () => {
    let html: string;
    before(async () => {
      const diagrams = await Promise.all(input.check.machines.map((machine) => machineDiagram(machine, input)));
      html = reportHtml(input, diagrams);
    });

    it('needs nothing from the network or other files', () => {
      expect(html).to.not.match(/<script[^>]+src=/);
      expect(html).to.not.match(/<link\b/);
      expect(html).to.not.match(/(href|src)="(https?:)?\/\//);
      expect(html).to.not.match(/url\(/);
    });

    it('counts the misuse cases refused', () => {
      const cases = input.check.misuse?.cases ?? 0;
      expect(html).to.include(`${cases} / ${cases}`);
      expect(html).to.include('misuse cases refused');
      expect(reportMarkdown(input, HTML_NAME)).to.include(`Misuse: ${cases} of ${cases} cases refused.`);
    });

    it('counts the scenarios passed', () => {
      const cases = input.check.scenarios?.cases ?? 0;
      expect(cases).to.be.greaterThan(0);
      expect(html).to.include('scenarios passed');
      expect(reportMarkdown(input, HTML_NAME)).to.include(`Scenarios: ${cases} of ${cases} passed.`);
    });

    it('draws each machine with covered, uncovered and failed transitions', () => {
      for (const machine of input.check.machines) expect(html).to.include(`<figure id="chart-${machine.name}">`);
      expect(html).to.match(/class="edge transition[^"]*\bcovered\b/);
      expect(html).to.match(/class="edge transition[^"]*\bfailed\b/);
      expect(html).to.match(/class="edge transition[^"]*\buncovered\b|<i>[^<]+<\/i>/);
      expect(html).to.include('class="node state atomic uncovered"');
      expect(html).to.include('class="legend"');
    });

    it('shows every failure as a trace with its failing step and replay command', () => {
      for (const failure of input.check.failures) {
        expect(html).to.include(`<code>${failure.path}</code>`);
        expect(html).to.include(failure.replay);
      }
      expect(html).to.include('<tr class="failing">');
    });

    it('counts the checks of every invariant and shows the fault catalog', () => {
      for (const id of INVARIANT_IDS) {
        expect(html).to.include(`<code>${id}</code>`);
        expect(html).to.include(input.check.invariants[id].toLocaleString('en-US'));
      }
      expect(html).to.include('Fault catalog: 1 of 2 faulty variants caught');
      expect(html).to.include('<span class="tag bad">survived</span>');
    });

    it('lists every path with its result', () => {
      for (const machine of input.check.machines) {
        for (const result of machine.results) expect(html).to.include(`<td><code>${result.path}</code></td>`);
      }
    });

    it('warns when the check report names transitions the machine no longer has', async () => {
      const [first] = input.check.machines;
      if (!first) throw new Error('no machine');
      const stale = { ...first, coverage: { ...first.coverage, coveredTransitions: ['session.gone --x#0--> session.gone'] } };
      const diagram = await machineDiagram(stale, input);
      expect(diagram.unknownTransitions).to.deep.equal(['session.gone --x#0--> session.gone']);
    });
  });

  describe('opened in headless Chromium', () => {
    it('shows both diagrams, no console errors and no network requests, and takes a screenshot', async () => {
      const directory = await mkdtemp(join(tmpdir(), 'child-spec-report-'));
      const written = await writeReport(input, { out: directory });
      expect(written).to.deep.equal([join(directory, HTML_NAME), join(directory, MARKDOWN_NAME)]);
      const visit = await visitPage(join(directory, HTML_NAME), { width: 1280, height: 1000 }, async (page) => {
        const screenshot = await page.screenshot({ fullPage: false });
        const charts = await page.locator('figure .diagram svg').evaluateAll((svgs) =>
          svgs.map((svg) => ({ width: svg.getBoundingClientRect().width, text: svg.textContent ?? '' })),
        );
        const failed = await page.locator('.diagram .transition.failed').count();
        const title = await page.title();
        return { screenshot, charts, failed, title };
      });
      expect(visit.consoleErrors).to.deep.equal([]);
      expect(visit.networkRequests).to.deep.equal([]);
      expect(visit.result.title).to.equal('child-spec report: FAILED');
      expect([...visit.result.screenshot.subarray(0, 8)]).to.deep.equal([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(visit.result.screenshot.length).to.be.greaterThan(20_000);
      expect(visit.result.charts).to.have.length(input.check.machines.length);
      for (const [index, machine] of input.check.machines.entries()) {
        const chart = visit.result.charts[index];
        expect(chart?.width, machine.name).to.be.greaterThan(400);
        for (const state of chartOf(machine.name === 'child' ? 'child' : 'session').states) {
          expect(chart?.text, `${machine.name}: ${state.id}`).to.include(state.key);
        }
      }
      expect(visit.result.failed).to.be.greaterThan(0);
    });
  });

  describe('JUnit XML', () => {
    it('has a test suite per machine with a test case per path, one for the misuse cases, one for the scenarios, and one for the fault catalog', () => {
      const elements = xmlElements(junitXml(input));
      const misuseCases = input.check.misuse?.cases ?? 0;
      const scenarios = input.check.scenarios?.cases ?? 0;
      expect(misuseCases).to.be.greaterThan(0);
      expect(scenarios).to.be.greaterThan(0);
      const suites = elements.filter((element) => element.name === 'testsuite');
      expect(suites.map((suite) => suite.attributes.name)).to.deep.equal([
        ...input.check.machines.map((machine) => machine.name),
        'misuse',
        'scenario',
        'fault catalog',
      ]);
      const cases = elements.filter((element) => element.name === 'testcase');
      expect(cases).to.have.length(input.check.paths + misuseCases + scenarios + MUTANTS.total);
      const failures = elements.filter((element) => element.name === 'failure');
      expect(failures).to.have.length(input.check.failures.length + 1);
      const [root] = elements;
      expect(root?.attributes.tests).to.equal(String(input.check.paths + misuseCases + scenarios + MUTANTS.total));
      expect(root?.attributes.failures).to.equal(String(input.check.failures.length + 1));
      const [failure] = input.check.failures;
      expect(failures[0]?.attributes.message).to.equal(failure?.reason);
      expect(failures[0]?.text).to.include('replay:');
    });

    it('lists a failed misuse case and every uncovered transition as failing test cases', () => {
      const misuse = input.check.misuse;
      const [first] = misuse?.results ?? [];
      const [pathFailure] = input.check.failures;
      if (misuse === undefined || first === undefined || pathFailure === undefined) throw new Error('the check ran no misuse cases, or found no failure');
      const accepted: FailureReport = { ...pathFailure, path: first.id, machine: 'misuse', reason: 'misuse accepted' };
      const child = withGap(check).machines.find((machine) => machine.name === 'child');
      const uncovered = child ? coverageFailures(child) : [];
      const results = misuse.results.map((result, index) => (index === 0 ? { ...result, outcome: 'failed' as const } : result));
      const failing: ReportInput = {
        ...input,
        check: { ...input.check, misuse: { ...misuse, passed: misuse.passed - 1, results }, failures: [...input.check.failures, accepted, ...uncovered] },
      };
      const elements = xmlElements(junitXml(failing));
      const suite = (name: string): number => elements.findIndex((element) => element.name === 'testsuite' && element.attributes.name === name);
      expect(elements[suite('misuse')]?.attributes.failures).to.equal('1');
      expect(elements[suite('coverage')]?.attributes.tests).to.equal(String(uncovered.length));
      const messages = elements.filter((element) => element.name === 'failure').map((element) => element.attributes.message);
      expect(messages).to.include('misuse accepted');
      expect(messages).to.include('no generated path covers state child.startFailed');
    });

    it('skips a misuse case the process protocol could not carry, saying why', () => {
      const misuse = input.check.misuse;
      if (misuse === undefined) throw new Error('the check ran no misuse cases');
      const results = misuse.results.map((result, index) => (index === 0 ? { ...result, outcome: 'notSent' as const } : result));
      const elements = xmlElements(junitXml({ ...input, check: { ...input.check, misuse: { ...misuse, passed: misuse.passed - 1, notSent: 1, results } } }));
      const suite = elements.find((element) => element.name === 'testsuite' && element.attributes.name === 'misuse');
      expect(suite?.attributes.skipped).to.equal('1');
      const skipped = elements.filter((element) => element.name === 'skipped');
      expect(skipped.map((element) => element.attributes.message)).to.deep.equal(['the process protocol cannot carry this misuse']);
    });
  });

  describe('the Markdown summary', () => {
    it('gives the verdict, a row per machine, the fault catalog and the failures', async () => {
      const directory = await mkdtemp(join(tmpdir(), 'child-spec-report-'));
      await writeReport(input, { out: directory });
      const markdown = await readFile(join(directory, MARKDOWN_NAME), 'utf8');
      expect(markdown).to.equal(reportMarkdown(input, HTML_NAME));
      expect(markdown).to.match(/^## child-spec check: \*\*FAILED\*\*/);
      for (const machine of input.check.machines) expect(markdown).to.match(new RegExp(`^\\| ${machine.name} \\| `, 'm'));
      expect(markdown).to.include('Fault catalog: 1 of 2 faulty variants caught; survived: `quiet-fault`.');
      expect(markdown).to.include(`replay \`${input.check.failures[0]?.replay ?? ''}\``);
    });
  });
});
