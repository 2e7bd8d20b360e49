/**
 * A deep copy of an object graph that keeps each object's prototype, so that
 * a copied class instance is still an instance of its class: how `explore`
 * forks the synchronous reference implementation and the ledger at every
 * branch instead of replaying the path that led there.
 *
 * It copies plain objects, class instances (their own enumerable
 * properties, as plain writable ones), arrays, `Map`s and `Set`s, keeps shared and cyclic references shared and cyclic, and
 * shares functions and the objects in `keep`. It suits objects whose state
 * lives in their properties: JavaScript private fields (`#x`) and state
 * captured by closures are not copied, so it is only used for code written
 * without them (`impl/`, `invariants/`), which `test/models/explore.test.ts`
 * checks against replay.
 */

/**
 * A deep, prototype-keeping copy of `value`; objects in `keep` are shared,
 * not copied. `is` confirms that the copy is of the original's type; it
 * throws if not, which would be a bug here.
 */
export function cloneGraph<T extends object>(
  value: T,
  is: (copied: unknown) => copied is T,
  keep: ReadonlySet<object> = new Set(),
): T {
  const copied = copy(value, new Map(), keep);
  if (!is(copied)) throw new Error('cloneGraph: the copy is not of the original type');
  return copied;
}

/** Every object reachable from `root`: to share a value that is never changed, such as a description. */
export function reachable(root: unknown): Set<object> {
  const found = new Set<object>();
  const pending: unknown[] = [root];
  for (let value = pending.pop(); value !== undefined || pending.length > 0; value = pending.pop()) {
    if (typeof value !== 'object' || value === null || found.has(value)) continue;
    found.add(value);
    if (value instanceof Map) {
      for (const [key, item] of value) pending.push(key, item);
    } else if (value instanceof Set) {
      for (const item of value) pending.push(item);
    } else {
      for (const key of Object.keys(value)) pending.push(Reflect.get(value, key));
    }
  }
  return found;
}

function copy(value: unknown, copies: Map<object, unknown>, keep: ReadonlySet<object>): unknown {
  if (typeof value !== 'object' || value === null || keep.has(value)) return value;
  const known = copies.get(value);
  if (known !== undefined) return known;

  if (Array.isArray(value)) {
    const array: unknown[] = [];
    copies.set(value, array);
    for (const item of value) array.push(copy(item, copies, keep));
    return array;
  }
  if (value instanceof Map) {
    const map = new Map<unknown, unknown>();
    copies.set(value, map);
    for (const [key, item] of value) map.set(copy(key, copies, keep), copy(item, copies, keep));
    return map;
  }
  if (value instanceof Set) {
    const set = new Set<unknown>();
    copies.set(value, set);
    for (const item of value) set.add(copy(item, copies, keep));
    return set;
  }

  const object: Record<string, unknown> = Object.create(Object.getPrototypeOf(value));
  copies.set(value, object);
  for (const key of Object.keys(value)) {
    const item: unknown = Reflect.get(value, key);
    object[key] = copy(item, copies, keep);
  }
  return object;
}
