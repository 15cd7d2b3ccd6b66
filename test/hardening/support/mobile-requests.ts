// One well-formed request per authenticated mobile route, as a given device of a given user would
// send it: what the authorization matrix replays with every kind of bad credential. A route added
// to MOBILE_ROUTES without an entry here fails the matrix's coverage test.
import { createHash, randomUUID } from "node:crypto";
import type { RawRequest } from "./raw-http";

export type Actor = { jwt: string | null; deviceId: string; pullToken: string };

/** Ids the victim owns: a stored conflict, an open upload, a blob, a tus upload, a record. */
export type VictimIds = { conflictId: string; uploadId: string; blobKey: string; tusId: string; recordId: string; stream: string };

const json = (body: unknown) => new TextEncoder().encode(JSON.stringify(body));
export const sha256Hex = (data: string) => createHash("sha256").update(data).digest("hex");

type Builder = (actor: Actor, ids: VictimIds) => Omit<RawRequest, "headers"> & { headers?: Record<string, string> };

export const MATRIX_REQUESTS: Record<string, Builder> = {
  bootstrap: (a) => ({ method: "POST", target: "/api/v1/sync/bootstrap", body: json({ device_id: a.deviceId, limit: 1 }) }),
  pull: (a) => ({ method: "POST", target: "/api/v1/sync/pull", body: json({ token: a.pullToken }) }),
  pullGet: (a) => ({ method: "GET", target: `/api/v1/sync/pull?token=${encodeURIComponent(a.pullToken)}` }),
  push: (a) => ({ method: "POST", target: "/api/v1/sync/push", body: json({ device_id: a.deviceId, bundle_id: 1_000_000 + Math.floor(Math.random() * 1e6), items: [{ type: "memo", action: "create", data: { content: "m", tags: [], pinned: false } }] }) }),
  ack: (a) => ({ method: "POST", target: "/api/v1/sync/ack", body: json({ device_id: a.deviceId, token: a.pullToken }) }),
  verify: (a) => ({ method: "POST", target: "/api/v1/sync/verify", body: json({ device_id: a.deviceId, items: [] }) }),
  checksums: () => ({ method: "GET", target: "/api/v1/sync/checksums?limit=10" }),
  fetch: (_, ids) => ({ method: "POST", target: "/api/v1/sync/fetch", body: json({ items: [{ stream: ids.stream, type: "memo", id: ids.recordId }] }) }),
  digest: () => ({ method: "GET", target: "/api/v1/sync/digest" }),
  events: (a) => ({ method: "GET", target: `/api/v1/sync/events?token=${encodeURIComponent(a.pullToken)}` }),
  listConflicts: () => ({ method: "GET", target: "/api/v1/conflicts?status=all" }),
  resolveConflict: (_, ids) => ({ method: "POST", target: `/api/v1/conflicts/${ids.conflictId}/resolve`, body: json({ resolution: "accept_server" }) }),
  watermelonPull: () => ({ method: "GET", target: "/api/v1/watermelon/sync?last_pulled_at=null" }),
  watermelonPush: () => ({ method: "POST", target: "/api/v1/watermelon/sync?last_pulled_at=1", body: json({ memos: { created: [], updated: [], deleted: [] } }) }),
  createUpload: () => ({ method: "POST", target: "/api/v1/uploads", body: json({ filename: "a.txt", size: 3 }) }),
  uploadStatus: (_, ids) => ({ method: "GET", target: `/api/v1/uploads/${ids.uploadId}` }),
  uploadChunk: (_, ids) => ({
    method: "PUT", target: `/api/v1/uploads/${ids.uploadId}`, body: new TextEncoder().encode("abc"),
    headers: { "content-range": "bytes 0-2/3", "content-type": "application/octet-stream" },
  }),
  completeUpload: (_, ids) => ({ method: "POST", target: `/api/v1/uploads/${ids.uploadId}/complete`, body: json({ sha256: `sha256:${sha256Hex("abc")}` }) }),
  presignMedia: () => ({ method: "POST", target: "/api/v1/media/presign", body: json({ filename: "a.jpg", content_type: "image/jpeg", size: 3 }) }),
  downloadBlob: (_, ids) => ({ method: "GET", target: `/api/v1/blobs/${ids.blobKey}` }),
  tusCreate: () => ({ method: "POST", target: "/api/v1/tus", headers: { "tus-resumable": "1.0.0", "upload-length": "3" } }),
  tusHead: (_, ids) => ({ method: "HEAD", target: `/api/v1/tus/${ids.tusId}`, headers: { "tus-resumable": "1.0.0" } }),
  tusPatch: (_, ids) => ({
    method: "PATCH", target: `/api/v1/tus/${ids.tusId}`, body: new TextEncoder().encode("abc"),
    headers: { "tus-resumable": "1.0.0", "upload-offset": "0", "content-type": "application/offset+octet-stream" },
  }),
  tusDelete: (_, ids) => ({ method: "DELETE", target: `/api/v1/tus/${ids.tusId}`, headers: { "tus-resumable": "1.0.0" } }),
};

/** The request with its headers: the bearer token (unless null), the device, a JSON content type. */
export function matrixRequest(routeId: string, actor: Actor, ids: VictimIds, authorization?: string | null): RawRequest {
  const build = MATRIX_REQUESTS[routeId];
  if (!build) throw new Error(`no authorization-matrix request for route ${routeId} in test/hardening/support/mobile-requests.ts`);
  const request = build(actor, ids);
  const auth = authorization === undefined ? (actor.jwt ? `Bearer ${actor.jwt}` : null) : authorization;
  const isJson = request.body && !request.headers?.["content-type"];
  return {
    ...request,
    headers: {
      "x-device-id": actor.deviceId,
      ...(isJson ? { "content-type": "application/json" } : {}),
      ...(auth === null ? {} : { authorization: auth }),
      ...request.headers,
    },
  };
}

/** Ids of the same shapes that name nothing, for "another user's id answers like an unknown one". */
export function unknownIds(ids: VictimIds): VictimIds {
  return { ...ids, conflictId: randomUUID(), uploadId: randomUUID(), blobKey: "b_AAAAAAAAAAAAAAAAAAAAAA", tusId: ids.tusId.replace(/[0-9a-f]/g, "0"), recordId: "no-such-record" };
}
