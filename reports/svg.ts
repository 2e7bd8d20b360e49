/**
 * DOT rendered to SVG in process, by Graphviz compiled to WebAssembly
 * (`@viz-js/viz`, which carries the WebAssembly inside its JavaScript): no
 * Graphviz installation and no download at run time.
 */
import { instance } from '@viz-js/viz';

type Viz = Awaited<ReturnType<typeof instance>>;

let viz: Promise<Viz> | undefined;

/** The SVG document Graphviz's `dot` layout draws for `dot`; throws with Graphviz's messages if it cannot. */
export async function svgOf(dot: string): Promise<string> {
  viz ??= instance();
  const result = (await viz).render(dot, { format: 'svg', engine: 'dot' });
  if (result.status !== 'success') {
    const messages = result.errors.map((error) => error.message).join('; ');
    throw new Error(`Graphviz could not draw the graph: ${messages}`);
  }
  return result.output;
}

/**
 * An SVG document as an element to place inside HTML: without its XML
 * declaration, doctype and comments, and with Graphviz's link titles made
 * `<title>` elements, which browsers show as tooltips in inline SVG.
 */
export function inlineSvg(svg: string): string {
  const start = svg.indexOf('<svg');
  if (start < 0) throw new Error('not an SVG document');
  return svg
    .slice(start)
    .replace(/<!--[\s\S]*?-->\n?/g, '')
    .replace(/<a xlink:title="([^"]*)">/g, '<a><title>$1</title>');
}
