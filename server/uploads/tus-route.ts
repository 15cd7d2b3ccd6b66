// The HTTP side of /api/v1/tus, behind the route builder like every mobile route (it authenticates,
// counts the rate limit and resolves the device): refuse uploads of other users exactly like
// unknown ones (404), hand the request to @tus/server, and make every error body the JSON
// envelope (tus statuses kept: tus-errors.ts).
import type { Caller } from "../auth/caller";
import type { Db } from "../db/client";
import type { DeviceContext } from "../devices/register";
import { AppError } from "../errors";
import { errorResponse, type AnswerFormat } from "../http/route";
import { recordUploadBytes } from "../metrics/registry";
import { ZErrorBody } from "@syncdesk/protocol";
import { codeForTusStatus, envelopeText, tusErrorAnswer, tusStatusOf } from "./tus-errors";
import { completeTusUpload } from "./tus-finish";
import { deleteTusSession, getOwnedTusSessionOrThrow, type TusSession } from "./tus-sessions";

/**
 * @tus/server and tus's data stores, loaded by the first tus request: a server that never sees one
 * does not carry them (some 12 MiB of memory).
 */
const loadTus = () => Promise.all([import("./tus-server"), import("./tus-store")]);

/** What the route builder resolved for a tus request (authenticated, counted, device checked). */
export type TusContext = { request: Request; params: Record<string, string>; db: Db; caller: Caller; device: DeviceContext | null };

function uploadIdOf(request: Request, params: Record<string, string>, uploadIdOfPath: (path: string) => string | null): string | null {
  const id = params.id;
  if (id === undefined) return null;
  // The id tus will act on (from the path) must be the one whose owner is checked here.
  if (uploadIdOfPath(new URL(request.url).pathname) !== id) throw new AppError("not_found", "No such upload");
  return id;
}

/** OPTIONS (discovery, CORS preflight): no authentication, nothing of any user. */
export async function discoverTus({ request }: { request: Request }): Promise<Response> {
  const [{ createTusServer, getTusLocker }, { getTusDataStore }] = await loadTus();
  return createTusServer(getTusDataStore(), await getTusLocker(), null).handleWeb(request);
}

/** Create, HEAD, PATCH and DELETE: handed to @tus/server for the caller's own uploads only. */
export async function handleTus({ request, params, db, caller, device }: TusContext): Promise<Response> {
  const [{ BLOB_KEY_HEADER, createTusServer, getTusLocker, uploadIdOfPath }, { getTusDataStore }] = await loadTus();
  const store = getTusDataStore();
  const locker = await getTusLocker();
  const id = uploadIdOf(request, params, uploadIdOfPath);
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

/**
 * How every tus route answers: our own errors (auth, ownership, rate limits) keep their headers,
 * with tus's own status where tus defines one for the code (a HEAD's completion: 460 checksum);
 * anything else is mapped to a tus status; then the envelope and Tus-Resumable (finalize).
 */
export const TUS_ANSWER: AnswerFormat = {
  error: (error) => {
    if (error instanceof AppError) {
      const answer = errorResponse(error);
      return new Response(answer.body, { status: tusStatusOf(error.code), headers: answer.headers });
    }
    const answer = tusErrorAnswer(error);
    return new Response(answer.body, { status: answer.status_code });
  },
  finish: finalize,
};
