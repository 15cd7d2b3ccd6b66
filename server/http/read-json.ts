// A JSON request body, read once at the edge: the right content type, at most LIMITS.maxBodyBytes
// (stopping as soon as a chunked body exceeds it), within the body deadline, valid UTF-8 and JSON,
// and storable (storable-json.ts); values JavaScript cannot hold as sent are listed (exact-json.ts).
import { AppError } from "../errors";
import { bodyAborted } from "./aborted";
import { env } from "../env";
import { bodyDeadline, readBefore } from "../limits/timeouts";
import { LIMITS } from "@syncdesk/protocol";
import { findInexactNumbers, PROTO_KEY_MESSAGE, type InexactValue } from "./exact-json";
import { findUnstorableJson } from "./storable-json";

/** The parsed body, and what in it JavaScript cannot hold as sent (refused by inexact-body.ts). */
export type JsonBody = { value: unknown; inexact: InexactValue[] };

/**
 * The body's bytes: the right content type, at most LIMITS.maxBodyBytes, within the body deadline.
 * Read apart from parsing so that a push can wait for its place in the write gate as bytes
 * (server/limits/write-gate.ts).
 */
export async function readBody(request: Request): Promise<Buffer> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError("invalid_request", "Content-Type must be application/json");
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > LIMITS.maxBodyBytes) throw tooLarge();
  return readCapped(request);
}

/** The body's bytes as JSON: valid UTF-8 and JSON, storable, with what JavaScript cannot hold as sent. */
export function parseJsonBody(bytes: Buffer): JsonBody {
  const text = decodeUtf8(bytes);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new AppError("invalid_request", "The body is not valid JSON");
  }
  const protoKeys: string[][] = [];
  const problem = findUnstorableJson(value, protoKeys);
  if (problem) throw new AppError("invalid_request", `The body cannot be stored: ${problem.field} ${problem.message}`, { fields: [problem] });
  const inexact = [...protoKeys.map((path) => ({ path, message: PROTO_KEY_MESSAGE })), ...findInexactNumbers(text)];
  return { value, inexact };
}

function tooLarge(): AppError {
  return new AppError("payload_too_large", `The body exceeds ${LIMITS.maxBodyBytes} bytes`, { limit: LIMITS.maxBodyBytes });
}

/** Reads the body, stopping as soon as it exceeds the limit (chunked uploads too). */
async function readCapped(request: Request): Promise<Buffer> {
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const deadline = bodyDeadline(env().REQUEST_BODY_TIMEOUT_SECONDS);
  for (;;) {
    const { done, value } = await readBefore(() => reader.read(), deadline, () => void reader.cancel().catch(() => {}))
      // Only a broken connection fails a request body's read (the deadline is an AppError).
      .catch((error: unknown) => Promise.reject(error instanceof AppError ? error : bodyAborted(request)));
    if (done) break;
    size += value.byteLength;
    if (size > LIMITS.maxBodyBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function decodeUtf8(bytes: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("invalid_request", "The body is not valid UTF-8");
  }
}
