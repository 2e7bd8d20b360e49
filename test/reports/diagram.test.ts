import { expect } from 'chai';

import { MACHINE_NAMES } from '../../models/registry.ts';
import { chartOf, isAlways, isInternal, transitionLabel, type Chart } from '../../reports/chart.ts';
import { DIAGRAM_FORMATS, renderDiagram } from '../../reports/diagram.ts';
import { dotOf, transitionElementId } from '../../reports/dot.ts';
import type { Highlight, TransitionStatus } from '../../reports/highlight.ts';
import { mermaidOf } from '../../reports/mermaid.ts';
import { xmlElements } from './xmlElements.ts';

/** Every state node's key path joined as the Mermaid writer names it. */
function mermaidId(chart: Chart, id: string): string {
  return id.slice(chart.root.id.length + 1).split('.').join('__');
}

describe('reports/diagram', () => {
  for (const name of MACHINE_NAMES) {
    describe(`the ${name} chart`, () => {
      const chart = chartOf(name);

      it('has nested, final and eventless parts to show', () => {
        expect(chart.states.some((state) => state.kind === 'final')).to.equal(true);
        expect(chart.transitions.some(isAlways)).to.equal(true);
        expect(chart.transitions.some((info) => info.guard !== null)).to.equal(true);
        if (name === 'child') {
          expect(chart.states.filter((state) => state.kind === 'parallel').map((state) => state.id)).to.include('child.active');
        }
      });

      it('renders in every format', async () => {
        for (const format of DIAGRAM_FORMATS) {
          const text = await renderDiagram(chart, format);
          expect(text, format).to.match(/\n$/);
          expect(text.length, format).to.be.greaterThan(500);
        }
      });

      it('names every state and every transition in Mermaid', () => {
        const text = mermaidOf(chart);
        expect(text).to.match(/^---\ntitle: .+\n---\nstateDiagram-v2\n/);
        for (const state of chart.states) {
          expect(text, state.id).to.include(`state "${state.key}" as ${mermaidId(chart, state.id)}`);
        }
        for (const info of chart.transitions) {
          const source = mermaidId(chart, info.source);
          const label = transitionLabel(info);
          const shown = isInternal(info)
            ? text.includes(`${source} : ${label}\n`) || new RegExp(`${source} --> ${source} : .*${pattern(label)}`).test(text)
            : info.targets.every((target) =>
                new RegExp(`^\\s*${source} --> ${mermaidId(chart, target)} : (.*<br/>)?${pattern(label)}(<br/>|$)`, 'm').test(text),
              );
          expect(shown, info.id).to.equal(true);
        }
        for (const state of chart.states.filter((candidate) => candidate.kind === 'final')) {
          expect(text).to.include(`${mermaidId(chart, state.id)} --> [*]`);
        }
        expect(text).to.include(': always');
      });

      it('separates the regions of a parallel state in Mermaid', () => {
        const parallel = chart.states.filter((state) => state.kind === 'parallel');
        if (parallel.length > 0) expect(mermaidOf(chart)).to.match(/^\s+--$/m);
      });

      it('draws an SVG that parses as XML and holds every state and every transition', async () => {
        const svg = await renderDiagram(chart, 'svg');
        const elements = xmlElements(svg);
        const titles = new Set(elements.filter((element) => element.name === 'title').map((element) => element.text));
        for (const state of chart.states) {
          const drawn = state.children.length > 0 ? `cluster_${state.id}` : state.id;
          expect(titles.has(drawn), state.id).to.equal(true);
        }
        const ids = new Set(elements.map((element) => element.attributes.id));
        for (const info of chart.transitions) {
          expect(ids.has(`a_${transitionElementId(chart, info)}`), info.id).to.equal(true);
        }
        const finals = elements.filter((element) => element.attributes.class?.split(' ').includes('final'));
        expect(finals.length).to.equal(chart.states.filter((state) => state.kind === 'final').length);
      });

      it('writes SCXML that parses as XML with every state, transition, guard and final state', async () => {
        const elements = xmlElements(await renderDiagram(chart, 'scxml'));
        const [root] = elements;
        expect(root?.name).to.equal('scxml');
        expect(root?.attributes.xmlns).to.equal('http://www.w3.org/2005/07/scxml');
        expect(root?.attributes.initial).to.equal(chart.root.initial);
        const byId = new Map(elements.filter((element) => element.attributes.id).map((element) => [element.attributes.id, element]));
        for (const state of chart.states) {
          const element = byId.get(state.id);
          const expected = state.kind === 'parallel' ? 'parallel' : state.kind === 'final' ? 'final' : 'state';
          expect(element?.name, state.id).to.equal(expected);
          if (state.initial) expect(element?.attributes.initial, state.id).to.equal(state.initial);
        }
        const transitions = elements.filter((element) => element.name === 'transition');
        expect(transitions).to.have.length(chart.transitions.length);
        expect(transitions.filter((element) => element.attributes.event === undefined)).to.have.length(chart.transitions.filter(isAlways).length);
        for (const [index, info] of chart.transitions.entries()) {
          const element = transitions[index];
          if (info.guard === null) expect(element?.attributes.cond, info.id).to.equal(undefined);
          else expect(element?.attributes.cond, info.id).to.be.a('string').and.not.equal('');
          expect(element?.attributes.target, info.id).to.equal(info.targets.length > 0 ? info.targets.join(' ') : undefined);
        }
      });

      it('writes the XState definition as JSON with every state, its always transitions and its guards', async () => {
        const json: unknown = JSON.parse(await renderDiagram(chart, 'json'));
        const text = JSON.stringify(json);
        for (const state of chart.states) expect(text, state.id).to.include(`"id":"${state.id}"`);
        expect(text).to.include('"type":"final"');
        expect(text).to.include('"always":[');
        for (const info of chart.transitions.filter((candidate) => candidate.guard !== null)) {
          const guard = info.guard ?? '';
          const named = text.includes(`"guard":"${guard}"`) || text.includes(`"type":"${guard.split('(')[0] ?? guard}"`);
          expect(named, info.id).to.equal(true);
        }
      });
    });
  }

  it('writes guards as ECMAScript calls in SCXML', async () => {
    const scxml = await renderDiagram(chartOf('session'), 'scxml');
    expect(scxml).to.include('cond="clientPresent() &amp;&amp; funded() &amp;&amp; synchronous()"');
    expect(scxml).to.include('cond="clientPresent() &amp;&amp; !funded()"');
    expect(scxml).to.include(`cond="pending({ is: &apos;handOut&apos; })"`);
    const child = await renderDiagram(chartOf('child'), 'scxml');
    expect(child).to.include('<parallel id="child.active">');
    expect(child).to.include('<final id="child.destroyed"/>');
  });

  it('colours transitions and states by a highlight in DOT', () => {
    const chart = chartOf('session');
    const statuses: TransitionStatus[] = ['covered', 'uncovered', 'failed'];
    const transitions = new Map(chart.transitions.map((info, index) => [info.id, statuses[index % 3] ?? 'covered']));
    const highlight: Highlight = { transitions, uncoveredStates: new Set(['session.CLOSED']) };
    const dot = dotOf(chart, highlight);
    expect(dot).to.include('#1a7f37');
    expect(dot).to.include('#b35900');
    expect(dot).to.include('#cf222e');
    expect(dot).to.match(/class="transition[^"]*failed/);
    expect(dot).to.include('class="state atomic uncovered"');
  });
});

function pattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
