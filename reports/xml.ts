/**
 * Escaping for text placed in XML and HTML documents (SVG, SCXML, JUnit,
 * the HTML report, Graphviz HTML-like labels).
 */

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** `text` safe as element content or a quoted attribute value. */
export function escapeXml(text: string): string {
  // Characters XML 1.0 forbids outright (C0 controls but tab, newline and CR) are dropped, not escaped.
  const allowed = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
  return allowed.replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character);
}
