// A thin device client for the benchmark: the wire calls of docs/protocol.md with as little
// client-side work as possible (responses are read as text; only the fields needed to go on are
// picked out), so the time measured is the server's.
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

async function post(base: string, device: Device, route: string, body: string): Promise<string> {
  const res = await fetch(`${base}${route}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${device.jwt}`, "content-type": "application/json", "x-device-id": device.deviceId,
      "accept-encoding": ACCEPT_ENCODING,
    },
    body,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${route} answered ${res.status}: ${text.slice(0, 300)}`);
  return text;
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
    const text = await post(base, device, "/api/v1/sync/bootstrap", JSON.stringify({ device_id: device.deviceId, limit, ...(cursor ? { cursor } : {}) }));
    bytes += text.length;
    records += countOf(text, '"checksum":');
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
  const text = await post(base, device, "/api/v1/sync/pull", JSON.stringify({ token, limit }));
  const ms = now() - started;
  const next = field(text, "token");
  if (!next) throw new Error(`pull: no token in ${text.slice(0, 200)}`);
  return { changes: countOf(text, '"seq":'), token: JSON.parse(next) as string, more: field(text, "more") === "true", ms, bytes: text.length };
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

function countOf(text: string, needle: string): number {
  let count = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) count++;
  return count;
}
