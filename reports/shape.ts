/**
 * The shape of JSON read back from a file: a small description of the
 * fields a reader relies on, and a check that names the first field that
 * does not fit, so that a stale or foreign file is refused with a reason.
 */

/** What a JSON value must be: a primitive, a nullable one, an array of a shape, or an object with fields. */
export type Shape =
  | 'string'
  | 'number'
  | 'boolean'
  | 'string?'
  | 'unknown'
  | { readonly oneOf: readonly string[] }
  | { readonly arrayOf: Shape }
  | { readonly fields: Readonly<Record<string, Shape>>; readonly optional?: readonly string[] };

/** The first place where `value` does not fit `shape`, as `path: what was expected`; null when it fits. */
export function misfit(value: unknown, shape: Shape, path = '(top)'): string | null {
  if (typeof shape === 'string') return primitiveMisfit(value, shape, path);
  if ('oneOf' in shape) {
    return typeof value === 'string' && shape.oneOf.includes(value) ? null : `${path}: expected one of ${shape.oneOf.join(', ')}`;
  }
  if ('arrayOf' in shape) {
    if (!Array.isArray(value)) return `${path}: expected an array`;
    for (const [index, item] of value.entries()) {
      const found = misfit(item, shape.arrayOf, `${path}[${index}]`);
      if (found) return found;
    }
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${path}: expected an object`;
  for (const [key, fieldShape] of Object.entries(shape.fields)) {
    const field: unknown = Reflect.get(value, key);
    if (field === undefined && shape.optional?.includes(key)) continue;
    const found = misfit(field, fieldShape, path === '(top)' ? key : `${path}.${key}`);
    if (found) return found;
  }
  return null;
}

function primitiveMisfit(value: unknown, shape: 'string' | 'number' | 'boolean' | 'string?' | 'unknown', path: string): string | null {
  switch (shape) {
    case 'unknown':
      return null;
    case 'string?':
      return value === null || typeof value === 'string' ? null : `${path}: expected a string or null`;
    case 'string':
    case 'number':
    case 'boolean':
      return typeof value === shape ? null : `${path}: expected a ${shape}`;
  }
}
