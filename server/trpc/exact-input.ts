// Console mutations store what staff type (a manual merge's data). What JavaScript cannot hold as
// sent (issue 19, server/http/exact-json.ts) is changed before any procedure sees it: tRPC's
// JSON.parse rounds a number JSON cannot carry exactly, and its input transform drops `__proto__`
// keys. So a mutation's raw body is read for them first; queries change nothing.
import { invalidFields, type AppError } from "../errors";
import { findInexactNumbers, PROTO_KEY_MESSAGE, type InexactValue } from "../http/exact-json";
import { findUnstorableJson } from "../http/storable-json";

/** tRPC wraps each input as `{"json": …}`, batched under its index: the path from the input. */
function inputPath(path: string[]): string {
  const from = path[0] === "json" ? 1 : /^\d+$/.test(path[0] ?? "") && path[1] === "json" ? 2 : 0;
  return path.slice(from).join(".") || "(input)";
}

function protoKeysOf(text: string): InexactValue[] {
  if (!text.includes("proto") && !text.includes("\\u")) return []; // `__proto__`, maybe escaped
  const protoKeys: string[][] = [];
  try {
    findUnstorableJson(JSON.parse(text), protoKeys);
  } catch {
    return []; // not JSON: tRPC answers that itself
  }
  return protoKeys.map((path) => ({ path, message: PROTO_KEY_MESSAGE }));
}

/** The 400 for a mutation body holding such a value, or null. */
export async function inexactMutation(request: Request): Promise<AppError | null> {
  const text = await request.clone().text();
  const found = [...protoKeysOf(text), ...findInexactNumbers(text)];
  const fields = found.map(({ path, message }) => ({ field: inputPath(path), message }));
  const first = fields[0];
  return first ? invalidFields(fields, `The input cannot be read exactly: ${first.field} ${first.message}`) : null;
}
