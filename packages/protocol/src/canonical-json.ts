// Canonical JSON alone, without node:crypto, so the client computes the same record checksums
// (@syncdesk/client's checksum.ts) on every platform it runs on.
/**
 * Keys sorted by UTF-16 code units (Array#sort's default order), undefined members left out, as
 * JSON.stringify would. Few allocations besides the output: every push hashes its whole request
 * and every record's data with it, and what it allocates is a large part of what makes the
 * server's heap grow under concurrent pushes (the entries/map/join version also cost twice the CPU).
 */
export function canonicalJson(value: unknown): string {
  const keys = propertyList(value);
  if (keys) return JSON.stringify(value, keys) ?? "null";
  return concatenated(value);
}

// JSON.stringify with a list of keys writes every object's members in the list's order, as one
// flat string (no intermediate strings per member). With the union of the value's keys, sorted,
// that is the canonical JSON. It costs one lookup per object and listed key, so it is used only
// for plain JSON (objects of Object.prototype or none, arrays, primitives: no toJSON) whose
// objects times keys stay small; anything else is built by concatenation below.
const PROPERTY_LIST_WORK = 4096;

function propertyList(value: unknown): string[] | null {
  if (value === null || typeof value !== "object") return null;
  const keys = new Set<string>();
  const stack: unknown[] = [value];
  let objects = 0;
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    if (Array.isArray(next)) {
      for (let i = 0; i < next.length; i++) {
        const item: unknown = next[i];
        if (item !== null && typeof item === "object") stack.push(item);
      }
      continue;
    }
    const proto: unknown = Object.getPrototypeOf(next);
    if (proto !== Object.prototype && proto !== null) return null;
    objects++;
    const object = next as Record<string, unknown>;
    for (const key in object) {
      // Listed, `__proto__` would make JSON.stringify write the prototype of objects without one.
      if (key === "__proto__") return null;
      keys.add(key);
      const member = object[key];
      if (member !== null && typeof member === "object") stack.push(member);
    }
    if (objects * keys.size > PROPERTY_LIST_WORK) return null;
  }
  return sortKeysInPlace([...keys]);
}

function concatenated(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : ",") + concatenated(value[i]);
    return out + "]";
  }
  const object = value as Record<string, unknown>;
  const keys = sortKeysInPlace(Object.keys(object));
  let out = "{";
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const member = object[key];
    if (member === undefined) continue;
    out += (out.length === 1 ? "" : ",") + quotedKey(key) + ":" + concatenated(member);
  }
  return out + "}";
}

/** Array#sort copies every array into a work area; an object's few keys are sorted in place. */
export function sortKeysInPlace(keys: string[]): string[] {
  if (keys.length > 32) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    if ((keys[j] as string) <= key) continue; // in order already: one comparison
    while (j >= 0 && (keys[j] as string) > key) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

// Field names repeat in every record: each is quoted once. Bounded, as data names its own keys.
const quoted = new Map<string, string>();
const QUOTED_KEYS = 4096;
const QUOTED_KEY_LENGTH = 64;

function quotedKey(key: string): string {
  let text = quoted.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (quoted.size < QUOTED_KEYS && key.length <= QUOTED_KEY_LENGTH) quoted.set(key, text);
  }
  return text;
}
