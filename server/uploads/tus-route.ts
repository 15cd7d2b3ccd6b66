// The HTTP side of /api/v1/tus: authenticate like every mobile route, refuse uploads of other
// users exactly like unknown ones (404), hand the request to @tus/server, and make every error
// body the JSON envelope (tus statuses kept: tus-errors.ts).
import { getDb } from "../db/client";
import { AppError } from "../errors";
import { authenticateDevice } from "../http/device-auth";
import { observe } from "../http/observe";
import { deviceFromHeader, errorResponse } from "../http/route";
import { enforceRateLimit } from "../limits/rate-limit";
import { recordUploadBytes } from "../metrics/registry";
import { ZErrorBody } from "../sync/schemas";
import { codeForTusStatus, envelopeText, tusErrorAnswer } from "./tus-errors";
import { completeTusUpload } from "./tus-finish";
import { deleteTusSession, getOwnedTusSessionOrThrow, type TusSession } from "./tus-sessions";

type NextContext = { params: Promise<Record<string, string | string[]>> };

/**
 * @tus/server and tus's data stores, loaded by the first tus request: a server that never sees one
 * does not carry them (some 12 MiB of memory).
 */
const loadTus = () => Promise.all([import("./tus-server"), import("./tus-store")]);

async function uploadIdOf(request: Request, context: NextContext | undefined, uploadIdOfPath: (path: string) => string | null): Promise<string | null> {
  const id = (context ? await context.params : undefined)?.id;
  if (id === undefined) return null;
  // The id tus will act on (from the path) must be the one whose owner is checked here.
  if (typeof id !== "string" || uploadIdOfPath(new URL(request.url).pathname) !== id) throw new AppError("not_found", "No such upload");
  return id;
}

async function handle(request: Request, context: NextContext | undefined): Promise<Response> {
  const [{ BLOB_KEY_HEADER, createTusServer, getTusLocker, uploadIdOfPath }, { getTusDataStore }] = await loadTus();
  const store = getTusDataStore();
  const locker = await getTusLocker();
  if (request.method === "OPTIONS") return createTusServer(store, locker, null).handleWeb(request);
  const caller = await authenticateDevice(request);
  const db = await getDb();
  await enforceRateLimit(db, { userId: caller.userId, deviceId: request.headers.get("x-device-id")?.trim() || null });
  const device = await deviceFromHeader(db, caller, request);
  const id = await uploadIdOf(request, context, uploadIdOfPath);
  // Another user's upload is answered exactly like an upload that never existed.
  const session: TusSession | null = id ? await getOwnedTusSessionOrThrow(db, caller, id) : null;
  const ctx = { db, caller, deviceId: device?.deviceId ?? null, locker, store };
  const response = await createTusServer(store, locker, ctx).handleWeb(request);
  countBytes(request, response);
  if (id && request.method === "DELETE" && response.status === 204) await deleteTusSession(db, id);
  if (id && session && request.method === "HEAD" && response.status === 200) {
    // A complete upload whose completion failed (say the database was briefly away) is finished
    // here: clients resume with HEAD, see every byte stored and would otherwise never retry.
    let blobKey = session.blobKey;
    if (!blobKey && response.headers.get("upload-offset") === response.headers.get("upload-length")) {
      blobKey = await completeTusUpload(ctx, id);
    }
    if (blobKey) response.headers.set(BLOB_KEY_HEADER, blobKey);
  }
  return response;
}

/** Bytes a PATCH (or a POST with data) stored: the offset it moved. */
function countBytes(request: Request, response: Response): void {
  if (response.status >= 300 || (request.method !== "PATCH" && request.method !== "POST")) return;
  const after = Number(response.headers.get("upload-offset") ?? NaN);
  const before = request.method === "PATCH" ? Number(request.headers.get("upload-offset") ?? NaN) : 0;
  if (after > before) recordUploadBytes(after - before);
}

/** Errors leave as the envelope; tus's own plain-text errors are wrapped (HEAD: no body). */
async function finalize(request: Request, response: Response): Promise<Response> {
  const headers = new Headers(response.headers);
  headers.set("tus-resumable", "1.0.0");
  if (response.status < 400) return new Response(response.body, { status: response.status, headers });
  const text = await response.text();
  let body = text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!ZErrorBody.safeParse(parsed).success) body = envelopeText(codeForTusStatus(response.status), text.trim() || "Request failed");
  headers.set("content-type", "application/json; charset=utf-8");
  headers.set("cache-control", "no-store");
  if (request.method === "HEAD") {
    headers.delete("content-length");
    return new Response(null, { status: response.status, headers });
  }
  headers.set("content-length", String(Buffer.byteLength(body)));
  return new Response(body, { status: response.status, headers });
}

/** The handler of every method of /api/v1/tus and /api/v1/tus/{id}. */
export const tusHandler = observe(async (request: Request, context?: NextContext): Promise<Response> => {
  let response: Response;
  try {
    response = await handle(request, context);
  } catch (error) {
    // Our own errors (auth, ownership, rate limits) keep their status; anything else is mapped.
    if (error instanceof AppError) response = errorResponse(error);
    else {
      const answer = tusErrorAnswer(error);
      response = new Response(answer.body, { status: answer.status_code });
    }
  }
  return finalize(request, response);
});
