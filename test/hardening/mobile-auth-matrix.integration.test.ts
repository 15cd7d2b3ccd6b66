// Authorization matrix of the mobile API (issue 9 item 2): every authenticated route x {no token,
// bad signature, wrong algorithm (none, HS/RS confusion), expired, not yet valid, tampered, other
// user's ids, revoked device}. Refused exactly where it should be, with one envelope per kind that
// says nothing internal; another user's ids answer byte for byte like unknown ids; nothing changes.
// The well-formed request of each route (support/mobile-requests.ts) is accepted at the end, so
// each refusal above is the credential's doing.
import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOBILE_ROUTES, type MobileRoute } from "@/server/http/mobile-routes";
import { ZBootstrapResponse, ZPushResponse } from "@syncdesk/protocol";
import { ZCompleteResponse, ZUploadInfo } from "@syncdesk/protocol";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "../support/server";
import { LEAK } from "./support/answers";
import { hasHandler } from "./support/route-seeds";
import { matrixRequest, MATRIX_REQUESTS, sha256Hex, unknownIds, type Actor, type VictimIds } from "./support/mobile-requests";
import { sendRaw, type RawAnswer } from "./support/raw-http";
import { blobRoot, diffState, listFiles, snapshotState } from "./support/state";
import { bodyOf } from "../support/answers";

let server: TestServer;
let alice: TestDevice;
let mallory: TestDevice;
let ids: VictimIds;
const actors = {} as Record<"alice" | "revoked" | "mallory", Actor>;
const badTokens: Record<string, string> = {};
/** Kind -> [the claim `details.fields` must name, the token]. */
const claimTokens: Record<string, [string, string]> = {};

// Device-authenticated routes; service-key routes have their own matrix (test/keys/).
const routes = MOBILE_ROUTES.filter((r) => r.auth.kind === "device" && hasHandler(r));
const send = (request: Parameters<typeof sendRaw>[1]) => sendRaw(server.url, request, { timeoutMs: 5_000, maxBytes: 4096 });
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);
const hs = (claims: object, alg = "HS256", secret: string | Uint8Array = TEST_JWT_SECRET) =>
  new SignJWT({ ...claims }).setProtectedHeader({ alg, typ: "JWT" }).sign(typeof secret === "string" ? new TextEncoder().encode(secret) : secret);

async function pullTokenOf(device: TestDevice): Promise<string> {
  const answer = await device.call("POST", "/api/v1/sync/bootstrap", { device_id: device.deviceId, limit: 5000 });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return String(bodyOf(answer, ZBootstrapResponse).token);
}

beforeAll(async () => {
  server = await startTestServer();
  alice = await makeDevice(server.url, "alice-matrix");
  mallory = await makeDevice(server.url, "mallory-matrix");
  const push = (d: TestDevice, bundle: number, items: unknown[]) => d.call("POST", "/api/v1/sync/push", { device_id: d.deviceId, bundle_id: bundle, items });
  await push(alice, 1, [{ type: "memo", id: "m1", action: "create", data: { content: "secret", tags: [], pinned: false } }, { type: "meter", id: "k1", action: "create", data: { code: "K", reading: 1, unit: "kWh" } }]);
  const phone = await makeDevice(server.url, alice.userId);
  await push(phone, 1, [{ type: "meter", id: "k1", action: "update", base_version: 1, data: { code: "K", reading: 2, unit: "kWh" } }]);
  const conflicted = await push(alice, 2, [{ type: "meter", id: "k1", action: "update", base_version: 1, data: { code: "K", reading: 3, unit: "kWh" } }]);
  const conflictId = String(bodyOf(conflicted, ZPushResponse).results[0]?.conflict?.conflict_id);
  const withDevice = { "x-device-id": alice.deviceId };
  const upload = await alice.call("POST", "/api/v1/uploads", { filename: "open.txt", size: 3 }, withDevice);
  const blobUpload = await alice.call("POST", "/api/v1/uploads", { filename: "done.txt", size: 3 }, withDevice);
  const chunk = await send({ method: "PUT", target: `/api/v1/uploads/${bodyOf(blobUpload, ZUploadInfo).upload_id}`, headers: { authorization: `Bearer ${alice.jwt}`, "content-range": "bytes 0-2/3", "content-type": "application/octet-stream" }, body: new TextEncoder().encode("abc") });
  expect(chunk.status, chunk.text).toBe(200);
  const done = await alice.call("POST", `/api/v1/uploads/${bodyOf(blobUpload, ZUploadInfo).upload_id}/complete`, { sha256: `sha256:${sha256Hex("abc")}` }, withDevice);
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  expect(listFiles(blobRoot()).length, "the blob root holds the blob, so comparing it means something").toBeGreaterThan(0);
  const tus = await send({ method: "POST", target: "/api/v1/tus", headers: { authorization: `Bearer ${alice.jwt}`, "x-device-id": alice.deviceId, "tus-resumable": "1.0.0", "upload-length": "3" } });
  expect(tus.status, tus.text).toBe(201);
  ids = {
    conflictId, uploadId: String(bodyOf(upload, ZUploadInfo).upload_id), blobKey: String(bodyOf(done, ZCompleteResponse).blob.key),
    tusId: String(tus.headers.location).split("/").pop() ?? "", recordId: "m1", stream: `user:${alice.userId}`,
  };

  const revoked = await makeDevice(server.url, alice.userId);
  actors.alice = { jwt: alice.jwt, deviceId: alice.deviceId, pullToken: await pullTokenOf(alice) };
  actors.revoked = { jwt: revoked.jwt, deviceId: revoked.deviceId, pullToken: await pullTokenOf(revoked) };
  actors.mallory = { jwt: mallory.jwt, deviceId: mallory.deviceId, pullToken: await pullTokenOf(mallory) };
  await server.db.prisma.device.update({ where: { userId_deviceId: { userId: alice.userId, deviceId: revoked.deviceId } }, data: { revokedAt: new Date() } });

  const claims = { sub: alice.userId, iat: now(), exp: now() + 3600 };
  const rsa = await generateKeyPair("RS256", { extractable: true });
  const ec = await generateKeyPair("ES256");
  const [header, , signature] = alice.jwt.split(".");
  Object.assign(badTokens, {
    "bad signature": await hs(claims, "HS256", `${TEST_JWT_SECRET}-not-it`),
    "alg none": `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`,
    "alg None with the real signature": `${b64({ alg: "None", typ: "JWT" })}.${b64(claims)}.${signature}`,
    "RS256 (HS/RS confusion)": await new SignJWT(claims).setProtectedHeader({ alg: "RS256" }).sign(rsa.privateKey),
    "HS256 keyed with an RSA public key": await hs(claims, "HS256", new TextEncoder().encode(await exportSPKI(rsa.publicKey))),
    "ES256": await new SignJWT(claims).setProtectedHeader({ alg: "ES256" }).sign(ec.privateKey),
    "HS512 with the right secret": await hs(claims, "HS512"),
    expired: await hs({ ...claims, iat: now() - 7200, exp: now() - 60 }),
    "not yet valid": await hs({ ...claims, nbf: now() + 3600 }),
    "tampered subject": `${header}.${b64({ sub: mallory.userId, iat: claims.iat, exp: claims.exp })}.${signature}`,
    "without exp": await hs({ sub: alice.userId }),
    "without sub": await hs({ exp: now() + 3600 }),
    garbage: "abc.def.ghi",
  });
  const exp = now() + 3600;
  // Validly signed, but with claims no device may use (issue 19 part 5, issue 16): the claim named.
  Object.assign(claimTokens, {
    "sub with U+0000": ["sub", await hs({ sub: "alice\u0000matrix", exp })],
    "sub that is only U+0000": ["sub", await hs({ sub: "\u0000", exp })],
    "sub with an unpaired surrogate": ["sub", await hs({ sub: "alice\ud800", exp })],
    "empty sub": ["sub", await hs({ sub: "", exp })],
    "sub over 200 characters": ["sub", await hs({ sub: "a".repeat(201), exp })],
    "sub of a service key's writers": ["sub", await hs({ sub: "service:backend", exp })],
    "101 streams": ["streams", await hs({ sub: alice.userId, streams: Array.from({ length: 101 }, (_, i) => `org:o${i}`), exp })],
    "one invalid stream": ["streams.2", await hs({ sub: alice.userId, streams: ["org:a", "org:b", "org:a\u0000b"], exp })],
  });
});

afterAll(async () => {
  await server?.close();
});

type Row = { route: MobileRoute; kind: string; answer: RawAnswer };

function expectQuietEnvelope(row: Row, status: number, code: string): void {
  const where = `${row.route.method.toUpperCase()} ${row.route.path} with ${row.kind}`;
  expect(row.answer.status, `${where}: ${row.answer.text}`).toBe(status);
  if (row.route.method === "head") return; // HEAD answers carry no body
  const body = row.answer.json as { error?: { code?: string; message?: string } };
  expect(Object.keys(body ?? {}), where).toEqual(["error"]);
  expect(body.error?.code, where).toBe(code);
  expect(row.answer.text, `${where} leaks`).not.toMatch(LEAK);
}

describe("mobile authorization matrix", () => {
  it("has a well-formed request for every authenticated route", () => {
    for (const route of routes) expect(MATRIX_REQUESTS[route.id], route.id).toBeDefined();
  });

  it("refuses every route without a token (401 unauthorized) and with every bad token (401 invalid_token), one body each, changing nothing", async () => {
    const before = await snapshotState(server.db.prisma);
    const rows: Row[] = [];
    for (const route of routes) {
      for (const header of [null, "", "Bearer", "Basic YWxpY2U6cHc=", `Token ${alice.jwt}`, `Bearer ${alice.jwt} extra`]) {
        rows.push({ route, kind: `authorization ${JSON.stringify(header)}`, answer: await send(matrixRequest(route.id, actors.alice, ids, header)) });
      }
      for (const [kind, jwt] of Object.entries(badTokens)) {
        rows.push({ route, kind, answer: await send(matrixRequest(route.id, actors.alice, ids, `Bearer ${jwt}`)) });
      }
    }
    const bodies = { unauthorized: new Set<string>(), invalid_token: new Set<string>() };
    for (const row of rows) {
      const missing = row.kind.startsWith("authorization");
      expectQuietEnvelope(row, 401, missing ? "unauthorized" : "invalid_token");
      if (row.route.method !== "head") bodies[missing ? "unauthorized" : "invalid_token"].add(row.answer.text);
    }
    // Nothing to probe: every route answers every bad token with the very same bytes.
    expect([...bodies.invalid_token], [...bodies.invalid_token].join("\n")).toHaveLength(1);
    expect([...bodies.unauthorized], [...bodies.unauthorized].join("\n")).toHaveLength(1);
    expect(diffState(before, await snapshotState(server.db.prisma))).toEqual([]);
    console.log(`authorization matrix: ${rows.length} refused requests over ${routes.length} routes`);
  });

  it("refuses validly signed tokens with unusable claims on every route (401 invalid_token naming the claim), changing nothing", async () => {
    const before = await snapshotState(server.db.prisma);
    for (const route of routes) {
      for (const [kind, [claim, jwt]] of Object.entries(claimTokens)) {
        const row = { route, kind, answer: await send(matrixRequest(route.id, actors.alice, ids, `Bearer ${jwt}`)) };
        const body = row.answer.json as { error?: { code?: string; message?: string; details?: { fields?: { field: string }[] } } } | undefined;
        const where = `${route.method.toUpperCase()} ${route.path} with ${kind}`;
        expect(row.answer.status, `${where}: ${row.answer.text}`).toBe(401);
        if (route.method === "head") continue;
        expect(body?.error?.code, where).toBe("invalid_token");
        expect(body?.error?.details?.fields?.map((f) => f.field), where).toEqual([claim]);
        expect(body?.error?.message, where).toContain(claim);
        expect(row.answer.text, `${where} leaks`).not.toMatch(LEAK);
      }
    }
    // No device, batch or record for `service:backend` or a NUL subject came into being.
    expect(diffState(before, await snapshotState(server.db.prisma))).toEqual([]);
  });

  it("refuses a revoked device on every route that names a device (403 device_revoked), changing nothing", async () => {
    const before = await snapshotState(server.db.prisma);
    for (const route of routes) {
      const answer = await send(matrixRequest(route.id, actors.revoked, ids));
      expectQuietEnvelope({ route, kind: "a revoked device", answer }, 403, "device_revoked");
    }
    expect(diffState(before, await snapshotState(server.db.prisma))).toEqual([]);
  });

  it("answers another user's ids and tokens exactly like unknown ones, changing nothing", async () => {
    const before = await snapshotState(server.db.prisma);
    const unknown = unknownIds(ids);
    const forged = { ...actors.mallory, pullToken: `${actors.alice.pullToken.slice(0, -4)}AAAA` };
    const stolen = { ...actors.mallory, pullToken: actors.alice.pullToken };
    const idRoutes = ["resolveConflict", "uploadStatus", "uploadChunk", "completeUpload", "downloadBlob", "tusHead", "tusPatch", "tusDelete", "fetch"];
    const tokenRoutes = ["pull", "pullGet", "ack", "events"];
    let compared = 0;
    for (const route of routes) {
      let pair: [RawAnswer, RawAnswer] | null = null;
      if (idRoutes.includes(route.id)) {
        pair = [await send(matrixRequest(route.id, actors.mallory, ids)), await send(matrixRequest(route.id, actors.mallory, unknown))];
      } else if (tokenRoutes.includes(route.id)) {
        pair = [await send(matrixRequest(route.id, stolen, ids)), await send(matrixRequest(route.id, forged, ids))];
      }
      if (!pair) continue;
      // The answer may name the id asked for; nothing else may differ.
      const neutral = (text: string) => [ids, unknown].flatMap((v) => Object.values(v)).reduce((t, id) => t.replaceAll(id, "<id>"), text).replace(/"server_time":"[^"]+"/, "");
      const [theirs, none] = pair.map((a) => ({ ...a, text: neutral(a.text) })) as [RawAnswer, RawAnswer];
      const where = `${route.method.toUpperCase()} ${route.path}`;
      expect(theirs.status, `${where}: ${theirs.text}`).toBe(none.status);
      expect(theirs.text, where).toBe(none.text);
      expect(theirs.text, `${where} shows alice's data`).not.toContain("secret");
      if (route.id !== "fetch") expect(theirs.status, where).toBeGreaterThanOrEqual(400);
      compared += 1;
    }
    expect(compared).toBe(idRoutes.length + tokenRoutes.length); // every route naming an id or a token
    expect(diffState(before, await snapshotState(server.db.prisma))).toEqual([]);
  });

  it("accepts each route's well-formed request with the owner's valid token (the refusals above are the credential's doing)", async () => {
    for (const route of routes) {
      const answer = await send(matrixRequest(route.id, actors.alice, ids));
      expect([401, 403], `${route.method.toUpperCase()} ${route.path}: ${answer.text.slice(0, 300)}`).not.toContain(answer.status);
      expect(answer.status, `${route.id}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
    }
  });
});
