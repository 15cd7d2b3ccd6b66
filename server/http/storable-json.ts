// JSON that every later step can handle: PostgreSQL's jsonb (no NUL character, no unpaired
// UTF-16 surrogate, in values or keys) and our recursive code (canonical JSON, zod), which a
// deeply nested body would overflow. Checked once at the edge, so such a body is a 400 and
// never a 500 from inside a transaction.

export const MAX_JSON_DEPTH = 64;

const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export type JsonProblem = { field: string; message: string };

const problem = (path: string[], message: string): JsonProblem => ({ field: path.join(".") || "(body)", message });

/** The first place where `value` cannot be stored, or null. Iterative, so depth cannot overflow. */
export function findUnstorableJson(value: unknown): JsonProblem | null {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { value: current, path } = next;
    if (typeof current === "string") {
      if (UNSTORABLE_TEXT.test(current)) return problem(path, "contains a NUL character or an unpaired surrogate");
      continue;
    }
    if (current === null || typeof current !== "object") continue;
    if (path.length >= MAX_JSON_DEPTH) return problem(path, `nests deeper than ${MAX_JSON_DEPTH} levels`);
    for (const [key, child] of Object.entries(current)) {
      if (UNSTORABLE_TEXT.test(key)) return problem([...path, key], "has a key with a NUL character or an unpaired surrogate");
      stack.push({ value: child, path: [...path, key] });
    }
  }
  return null;
}
