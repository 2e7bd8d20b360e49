/**
 * Test support: an XML document validated by fast-xml-parser and flattened
 * into its elements with their attributes and text, in document order.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** The text directly inside the element. */
  readonly text: string;
  /** The names of the elements it lies in, outermost first. */
  readonly ancestors: readonly string[];
}

/** Validates `xml` (throwing with the validator's message) and lists its elements. */
export function xmlElements(xml: string): XmlElement[] {
  const verdict = XMLValidator.validate(xml);
  if (verdict !== true) throw new Error(`not valid XML: ${verdict.err.msg} (line ${verdict.err.line})`);
  const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: false, parseTagValue: false, htmlEntities: true });
  const found: XmlElement[] = [];
  walk(parser.parse(xml), [], found);
  return found;
}

function walk(nodes: unknown, ancestors: readonly string[], found: XmlElement[]): void {
  if (!Array.isArray(nodes)) return;
  for (const node of nodes) {
    if (typeof node !== 'object' || node === null) continue;
    const attributes = attributesOf(Reflect.get(node, ':@'));
    for (const [name, children] of Object.entries(node)) {
      if (name === ':@' || name === '#text' || name.startsWith('?') || name.startsWith('!')) continue;
      found.push({ name, attributes, text: textOf(children), ancestors });
      walk(children, [...ancestors, name], found);
    }
  }
}

function attributesOf(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, String(item)]));
}

function textOf(children: unknown): string {
  if (!Array.isArray(children)) return '';
  return children
    .map((child: unknown) => (typeof child === 'object' && child !== null ? Reflect.get(child, '#text') : undefined))
    .filter((text): text is string | number => text !== undefined)
    .join('');
}
