// What each mobile route's fuzz requests start from: a sample its schema accepts with values that
// keep a well-formed request harmless (the fuzz device's own id, tokens and ids naming nothing),
// path parameters, hostile headers, and which requests must not be sent because they would
// legitimately change state. A route missing here is fuzzed from its schema as a writer.
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import type { MobileRoute } from "@/server/http/mobile-routes";
import { BOUNDARY_NUMBERS, NUMBER_TEXTS, PATH_TRICKS } from "./hostile";
import type { RawRequest } from "./raw-http";

export type FuzzIdentity = {
  userId: string;
  deviceId: string;
  /** The credential: a device JWT, or a service key on service-key routes. */
  jwt: string;
  /** Ids of things the fuzz user owns (e.g. `uploadId`, an upload with nothing received yet). */
  fixtures: Record<string, string>;
  /** Validly signed tokens with claims no device may use (a NUL or `service:` sub, 101 streams). */
  claimJwts?: string[];
};

/**
 * What a route's sample needs beyond its schema, so that a well-formed request still changes
 * nothing: the fuzz device's own id, tokens and ids that name nothing. `writer` routes change
 * state when a request is well formed, so only requests they must refuse are sent to them.
 */
export type RouteSeed = {
  body?: (id: FuzzIdentity) => Record<string, unknown>;
  query?: (id: FuzzIdentity) => Record<string, string>;
  /** Fields a well-formed request must keep as seeded (e.g. another device_id registers a device). */
  pinned?: string[];
  writer?: boolean;
  /** Path parameter values of well-formed requests (default: a random UUID, naming nothing). */
  params?: (id: FuzzIdentity) => fc.Arbitrary<string>;
  /** Hostile headers of a route whose input is headers (tus). */
  headers?: () => fc.Arbitrary<Record<string, string>>;
  /** False for a well-formed request that would change state although hostile (it is not sent). */
  guard?: (request: RawRequest, id: FuzzIdentity) => boolean;
};

const FAKE_TOKEN = "v1.eyJmdXp6Ijp0cnVlfQ.c2lnbmF0dXJl";

export const ROUTE_SEEDS: Record<string, RouteSeed> = {
  bootstrap: {
    body: (id) => ({ device_id: id.deviceId, types: ["memo"], cursor: "fuzz-cursor", limit: 10 }),
    pinned: ["device_id"],
    // Without a cursor a well-formed bootstrap starts a snapshot, which holds compaction back
    // (a bootstrap_holds row): a real effect, so only cursor-carrying ones are sent.
    guard: (request) => hasKey(request.body, "cursor"),
  },
  pull: { body: () => ({ token: FAKE_TOKEN, limit: 10 }) },
  pullGet: { query: () => ({ token: FAKE_TOKEN, limit: "10" }) },
  push: { body: (id) => ({ device_id: id.deviceId, bundle_id: 1, mode: "atomic", items: [{ type: "memo", action: "create", data: { content: "x", tags: [], pinned: false } }] }), writer: true },
  ack: { body: (id) => ({ device_id: id.deviceId, token: FAKE_TOKEN }), pinned: ["device_id"] },
  verify: { body: (id) => ({ device_id: id.deviceId, types: ["memo"], items: [{ type: "memo", id: "fuzz", checksum: `sha256:${"0".repeat(64)}` }], limit: 10 }), pinned: ["device_id"] },
  checksums: { query: () => ({ types: "memo,meter", limit: "10" }) },
  fetch: { body: () => ({ items: [{ type: "memo", id: "fuzz" }] }) },
  digest: { query: () => ({ types: "memo" }) },
  events: { query: () => ({ token: FAKE_TOKEN }) },
  listConflicts: { query: () => ({ status: "all", limit: "5" }) },
  resolveConflict: { body: () => ({ resolution: "accept_server" }) },
  watermelonPull: { query: () => ({ last_pulled_at: "null", schema_version: "1", migration: "null" }) },
  watermelonPush: { query: () => ({ last_pulled_at: "1" }), body: () => ({ memos: { created: [], updated: [], deleted: ["fuzz"] } }), writer: true },
  createUpload: { body: () => ({ filename: "fuzz.txt", size: 10, content_type: "text/plain" }), writer: true },
  uploadStatus: { params: uploadIds },
  uploadChunk: {
    params: uploadIds,
    // A chunk at the fuzz upload's offset (0) would be stored, bytes of an interrupted one too.
    guard: (request, id) => !(request.target.includes(id.fixtures.uploadId ?? "?") && /^bytes 0+-\d{1,15}\/\d{1,15}$/.test(request.headers["content-range"]?.trim() ?? "")),
  },
  completeUpload: { params: uploadIds, body: () => ({ sha256: `sha256:${"a".repeat(64)}` }) },
  presignMedia: { body: () => ({ filename: "fuzz.jpg", content_type: "image/jpeg", size: 10 }), writer: true },
  mediaPut: {
    params: () => fc.constantFrom("b_AAAAAAAAAAAAAAAAAAAAAA", "b_fuzzfuzzfuzzfuzzfuzzf"),
    query: () => ({ expires: String(Math.floor(Date.now() / 1000) + 600), sig: "forged-signature" }),
  },
  downloadBlob: { params: () => fc.constantFrom("b_AAAAAAAAAAAAAAAAAAAAAA", "b_fuzzfuzzfuzzfuzzfuzzf") },
  // tus: hostile tus headers; a create is sent only when its Upload-Length is not a usable size.
  tusCreate: { headers: tusHeaders, guard: (request) => !/^\d{1,12}$/.test(request.headers["upload-length"] ?? "") || request.headers["tus-resumable"] !== "1.0.0" },
  // Service-key routes, fuzzed with a real key of the fuzz's streams (FuzzIdentity.jwt): reads of
  // a stream that holds nothing, and a server push, sent only when it must be refused.
  serverRecords: { query: () => ({ stream: "org:fuzz", type: "memo", limit: "10" }) },
  serverPush: {
    body: () => ({ writer_id: "fuzz-writer", bundle_id: 1, mode: "atomic", items: [{ type: "memo", stream: "org:fuzz", action: "create", data: { content: "x", tags: [], pinned: false } }] }),
    writer: true,
  },
  tusHead: { headers: tusHeaders },
  tusPatch: { headers: tusHeaders },
  tusDelete: { headers: tusHeaders },
  // A reader: stream patterns, types and a cursor, each fuzzed (a device JWT is no service key, so
  // a well-formed request is refused 401 too).
  serverChanges: { query: () => ({ streams: "org:*,user:fuzz", types: "memo", limit: "10", cursor: FAKE_TOKEN }) },
  // Webhook endpoints (service key, scope admin): a well-formed request registers or removes one,
  // so only requests the server must refuse are sent (the fuzz identity holds no service key).
  createWebhook: { body: () => ({ url: "http://127.0.0.1:9/hook", events: ["bundle.committed"], streams: ["org:*"] }), writer: true },
  listWebhooks: { writer: true },
  deleteWebhook: { writer: true },
};

/** tus request headers, some right, most hostile (filenames with path tricks in Upload-Metadata). */
function tusHeaders(): fc.Arbitrary<Record<string, string>> {
  const b64 = (text: string) => Buffer.from(text).toString("base64");
  return fc.record({
    "tus-resumable": fc.constantFrom("1.0.0", "0.2.2", "", "1.0.0, 1.0.0", "x"),
    "upload-length": fc.oneof(fc.constantFrom(...NUMBER_TEXTS), fc.constantFrom(...BOUNDARY_NUMBERS).map(String)),
    "upload-offset": fc.oneof(fc.constantFrom(...NUMBER_TEXTS), fc.constantFrom(...BOUNDARY_NUMBERS).map(String)),
    "upload-metadata": fc.oneof(
      fc.constantFrom(...PATH_TRICKS).map((name) => `filename ${b64(name)},filetype ${b64("../../x")}`),
      fc.constantFrom("filename", "filename !!!notbase64", "a b c", ",,,", "filename " + "A".repeat(6000), `attach_type ${b64("memo")},attach_id ${b64("../m1")},attach_field ${b64("__proto__")}`),
    ),
    "content-type": fc.constantFrom("application/offset+octet-stream", "application/json", "text/plain"),
    "upload-checksum": fc.constantFrom("sha1 AAAA", "md5 !!!", "sha256 " + b64("x")),
  }, { requiredKeys: [] });
}

/** Whether a JSON body is an object with `key` (a body that is not one is refused anyway). */
function hasKey(body: Uint8Array | undefined, key: string): boolean {
  try {
    const value = JSON.parse(new TextDecoder().decode(body)) as unknown;
    return value !== null && typeof value === "object" && Object.hasOwn(value, key);
  } catch {
    return true;
  }
}

function uploadIds(id: FuzzIdentity): fc.Arbitrary<string> {
  return fc.oneof(fc.constant(id.fixtures.uploadId ?? randomUUID()), fc.uuid());
}

/** Whether the route's handler exists yet (a route may be listed before its file lands). */
export function hasHandler(route: MobileRoute): boolean {
  const file = path.join(process.cwd(), "app", route.path.replace(/^\//, "").replace(/\{(\w+)\}/g, "[$1]"), "route.ts");
  if (!existsSync(file)) return false;
  return new RegExp(`\\b${route.method.toUpperCase()}\\b`).test(readFileSync(file, "utf8"));
}

/** Routes no request can change or break: no input, no authentication. */
export const INPUTLESS_ROUTES = new Set(["health", "tusOptions", "tusOptionsUpload"]);

/** tus answers with tus statuses (412, 423, 460...) and bodiless HEADs; bodies are still envelopes. */
export const isTus = (route: MobileRoute) => route.path.startsWith("/api/v1/tus");

/**
 * The route's seed: its entry in ROUTE_SEEDS, or for a route added later without one, its schema's
 * sample treated as a writer (only requests it must refuse are sent). A route with neither a JSON
 * body nor a query schema has nothing to derive from and needs an entry (coverage test).
 */
export function seedFor(route: MobileRoute): RouteSeed {
  const seed = ROUTE_SEEDS[route.id];
  if (seed) return seed;
  if (route.body || route.query || route.rawBody) return { writer: true };
  throw new Error(`route ${route.id} has no fuzz seed: add one to ROUTE_SEEDS in test/hardening/support/mobile-fuzz.ts`);
}

