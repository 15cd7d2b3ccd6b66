// JSON that every later step can handle: PostgreSQL's jsonb (no NUL character, no unpaired
// UTF-16 surrogate, in values or keys) and our recursive code (canonical JSON, zod), which a
// deeply nested body would overflow. Checked once at the edge, so such a body is a 400 and
// never a 500 from inside a transaction.

export const MAX_JSON_DEPTH = 64;

const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether PostgreSQL would refuse `text` (NUL) or it is not valid UTF-16 (an unpaired surrogate). */
export const hasUnstorableText = (text: string): boolean => UNSTORABLE_TEXT.test(text);

export type JsonProblem = { field: string; message: string };

// A node to visit: its value, its key and its parent (the path is only built for a problem; a
// copied path per node made this walk a third of a push's edge checks).
type Visit = { value: unknown; key: string | null; parent: Visit | null; depth: number };

function pathOf(at: Visit): string[] {
  const path: string[] = [];
  for (let node: Visit | null = at; node && node.key !== null; node = node.parent) path.unshift(node.key);
  return path;
}

function problem(at: Visit, message: string): JsonProblem {
  return { field: pathOf(at).join(".") || "(body)", message };
}

/**
 * The first place where `value` cannot be stored, or null. Iterative, so depth cannot overflow.
 * `protoKeys`, when given, collects the path of every `__proto__` key on the way (exact-json.ts):
 * storable, but lost by the first copy of their object, so the caller refuses them.
 */
export function findUnstorableJson(value: unknown, protoKeys?: string[][]): JsonProblem | null {
  const stack: Visit[] = [{ value, key: null, parent: null, depth: 0 }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const current = next.value;
    if (typeof current === "string") {
      if (UNSTORABLE_TEXT.test(current)) return problem(next, "contains a NUL character or an unpaired surrogate");
      continue;
    }
    if (current === null || typeof current !== "object") continue;
    if (next.depth >= MAX_JSON_DEPTH) return problem(next, `nests deeper than ${MAX_JSON_DEPTH} levels`);
    const object = current as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      const child: Visit = { value: object[key], key, parent: next, depth: next.depth + 1 };
      if (UNSTORABLE_TEXT.test(key)) return problem(child, "has a key with a NUL character or an unpaired surrogate");
      if (key === "__proto__") protoKeys?.push(pathOf(child));
      const inner = child.value;
      // Numbers, booleans and null need no visit.
      if (typeof inner === "string" || (inner !== null && typeof inner === "object")) stack.push(child);
    }
  }
  return null;
}
