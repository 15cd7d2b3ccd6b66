// A thin device client for the benchmark: the wire calls of docs/protocol.md with as little
// client-side work as possible (responses are read as text; only the fields needed to go on are
// picked out), so the time measured is the server's.
import http from "node:http";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { mintDeviceJwt } from "../../server/http/dev-token";
import type { Doc } from "./records";
import { SECRETS } from "./server";
import { now } from "./stats";

/**
 * Responses uncompressed, like the raw limits they are compared with (on loopback compression is
 * pure cost); BENCH_ENCODING=gzip measures what a phone on a real network would ask for.
 */
export const ACCEPT_ENCODING = process.env.BENCH_ENCODING ?? "identity";

export type Device = { userId: string; deviceId: string; jwt: string; nextBundle: number };

export async function makeDevice(userId: string, deviceId = `${userId}-phone`): Promise<Device> {
  const jwt = await mintDeviceJwt({ userId, secret: SECRETS.SYNC_JWT_SECRET, expiresIn: "2h" });
  return { userId, deviceId, jwt, nextBundle: 1 };
}

// node:http rather than fetch: undici's web streams cost the client ~2x the CPU per answer (the
// same finding as put-bytes.ts for bodies), and on 2 shared cores the client's CPU is taken from
// the server under test. Keep-alive connections, as a device's HTTP client keeps them.
const agent = new http.Agent({ keepAlive: true });

const decode = (encoding: string | undefined, bytes: Buffer): Buffer =>
  encoding === "gzip" ? gunzipSync(bytes) : encoding === "br" ? brotliDecompressSync(bytes) : encoding === "deflate" ? inflateSync(bytes) : bytes;

async function post(base: string, device: Device, route: string, body: string): Promise<string> {
  return (await postBytes(base, device, route, body)).toString("utf8");
}

// A kept-alive connection the server closes as it idles out can take the next request with it
// ("socket hang up"). Such a request is sent again once on a new connection, as device HTTP
// clients do; every route used here is safe to repeat (a push by its bundle_id).
function postBytes(base: string, device: Device, route: string, body: string, retry = true): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const headers = {
      authorization: `Bearer ${device.jwt}`, "content-type": "application/json", "x-device-id": device.deviceId,
      "accept-encoding": ACCEPT_ENCODING, "content-length": String(Buffer.byteLength(body)),
    };
    const req = http.request(`${base}${route}`, { method: "POST", agent, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (part: Buffer) => parts.push(part));
      res.on("error", reject);
      res.on("end", () => {
        const bytes = decode(res.headers["content-encoding"], Buffer.concat(parts));
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) reject(new Error(`${route} answered ${status}: ${bytes.toString("utf8", 0, 300)}`));
        else resolve(bytes);
      });
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (retry && req.reusedSocket && error.code === "ECONNRESET") resolve(postBytes(base, device, route, body, false));
      else reject(error);
    });
    req.end(body);
  });
}

export function pushBody(device: Device, docs: Doc[]): string {
  return JSON.stringify({
    device_id: device.deviceId,
    bundle_id: device.nextBundle++,
    items: docs.map((d) => ({ type: d.type, id: d.id, action: "create", data: d.data, updated_at: d.updatedAt })),
  });
}

/** One push; returns its latency in ms. Fails unless every item applied. */
export async function push(base: string, device: Device, body: string): Promise<number> {
  const started = now();
  const text = await post(base, device, "/api/v1/sync/push", body);
  const elapsed = now() - started;
  if (!text.includes('"status":"applied"')) throw new Error(`push not applied: ${text.slice(0, 300)}`);
  return elapsed;
}

const field = (text: string, name: string) => new RegExp(`"${name}":("(?:[^"\\\\]|\\\\.)*"|true|false|null)`).exec(text)?.[1];

/** Bootstraps the device through every page; returns the records received and the pull token. */
export async function bootstrap(base: string, device: Device, limit: number): Promise<{ records: number; token: string; bytes: number }> {
  let cursor: string | undefined;
  let records = 0;
  let bytes = 0;
  for (;;) {
    // A page is megabytes of records: they are counted in the bytes, and only what follows them
    // (cursor, more, token) is decoded.
    const page = await postBytes(base, device, "/api/v1/sync/bootstrap", JSON.stringify({ device_id: device.deviceId, limit, ...(cursor ? { cursor } : {}) }));
    bytes += page.length;
    records += countBytes(page, CHECKSUM);
    const after = page.lastIndexOf(AFTER_ITEMS);
    if (after < 0) throw new Error(`bootstrap: no cursor in ${page.toString("utf8", 0, 300)}`);
    const text = page.toString("utf8", after);
    if (field(text, "more") === "false") {
      const token = field(text, "token");
      if (!token || token === "null") throw new Error("bootstrap: last page without a token");
      return { records, token: JSON.parse(token) as string, bytes };
    }
    const next = field(text, "cursor");
    if (!next || next === "null") throw new Error("bootstrap: more pages but no cursor");
    cursor = JSON.parse(next) as string;
  }
}

/** One pull page: the number of changes, the next token and whether more remain. */
export async function pullPage(base: string, device: Device, token: string, limit: number) {
  const started = now();
  const page = await postBytes(base, device, "/api/v1/sync/pull", JSON.stringify({ token, limit }));
  const ms = now() - started;
  // As bootstrap's: the changes are counted in the bytes; only the token before them and what
  // follows them are decoded.
  const [first, last] = [page.indexOf(BEFORE_CHANGES), page.lastIndexOf(AFTER_CHANGES)];
  const next = first < 0 ? undefined : field(page.toString("utf8", 0, first + 1), "token");
  if (!next || last < 0) throw new Error(`pull: no token in ${page.toString("utf8", 0, 200)}`);
  return { changes: countBytes(page, SEQ), token: JSON.parse(next) as string, more: field(page.toString("utf8", last), "more") === "true", ms, bytes: page.length };
}

/** Pulls until `more` is false; returns the changes received. */
export async function pullAll(base: string, device: Device, token: string, limit: number): Promise<number> {
  let total = 0;
  for (let t = token; ; ) {
    const page = await pullPage(base, device, t, limit);
    total += page.changes;
    if (!page.more) return total;
    t = page.token;
  }
}

const CHECKSUM = Buffer.from('"checksum":');
const SEQ = Buffer.from('"seq":');
const BEFORE_CHANGES = Buffer.from('","changes":[');
const AFTER_CHANGES = Buffer.from('],"more":');
const AFTER_ITEMS = Buffer.from('],"cursor":');

function countBytes(bytes: Buffer, needle: Buffer): number {
  let count = 0;
  for (let i = bytes.indexOf(needle); i !== -1; i = bytes.indexOf(needle, i + needle.length)) count++;
  return count;
}

