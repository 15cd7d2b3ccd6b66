// A stand-in for the server's sync routes, for the hook tests: one visit on the server at first,
// pushes applied (a visit with a negative score rejected as invalid_data) and bootstrapped back,
// and a gate to hold requests while a test looks at the state mid-sync. Answers follow
// @syncdesk/protocol's schemas.
import type { FetchLike } from "../src/http";

type Item = { client_temp_id?: string; id?: string; action: string; data?: Record<string, unknown> };

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
const now = () => new Date().toISOString();

export function fakeServer() {
  let nextId = 1;
  let gate: Promise<void> | null = null;
  let release = () => {};
  let offline = false;
  const stored = new Map<string, { version: number; data: Record<string, unknown> }>([["v-server", { version: 3, data: { site: "Depot", score: 7 } }]]);
  const record = (id: string, r: { version: number; data: Record<string, unknown> }) => ({
    type: "visit", id, stream: "user:u1", version: r.version, data: r.data, deleted: false, updated_at: now(), checksum: `sha256:${"0".repeat(64)}`,
  });
  const server = {
    set offline(value: boolean) {
      offline = value;
    },
    /** Holds every request until `open()`. */
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    open() {
      gate = null;
      release();
    },
    fetch: (async (input, init) => {
      if (gate) await gate;
      if (offline) throw new TypeError("fetch failed");
      const path = new URL(input).pathname;
      const body = JSON.parse(typeof init.body === "string" ? init.body : "{}") as { bundle_id?: number; items?: Item[] };
      if (path.endsWith("/sync/bootstrap")) {
        const items = [...stored].map(([id, r]) => record(id, r));
        return json({ items, cursor: null, more: false, token: "t1", server_time: now() });
      }
      if (path.endsWith("/sync/pull")) return json({ token: "t1", changes: [], more: false, server_time: now() });
      if (path.endsWith("/sync/ack")) return json({ acked: true, checkpoint: {} });
      if (path.endsWith("/sync/push")) {
        const results = (body.items ?? []).map((item, index) => {
          const temp = item.client_temp_id ?? null;
          if (typeof item.data?.score === "number" && item.data.score < 0) {
            return { index, client_temp_id: temp, id: null, status: "error", error: { code: "invalid_data", message: "score must be >= 0" } };
          }
          const id = item.id ?? `v-${nextId++}`;
          const version = (stored.get(id)?.version ?? 0) + 1;
          if (item.action === "delete") stored.delete(id);
          else stored.set(id, { version, data: item.data ?? {} });
          return { index, client_temp_id: temp, id, status: "ok", version };
        });
        const status = results.every((r) => r.status === "ok") ? "applied" : "partial";
        return json({ batch_id: `b-${body.bundle_id}`, bundle_id: body.bundle_id, status, processed_at: now(), results });
      }
      return new Response(JSON.stringify({ error: { code: "not_found", message: path } }), { status: 404 });
    }) satisfies FetchLike,
  };
  return server;
}
