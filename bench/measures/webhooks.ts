// (1b) Webhooks never slow a push (issue 16): push throughput with a webhook endpoint registered
// whose receiver answers in 2 s, against the same pushes with no endpoint, rounds alternating.
// The receiver is a node:http server in this process; the endpoint is registered and removed
// through the server API with a service key (scope admin) made for the run. The server's own
// delivery worker runs as in production (JOBS_ENABLED default), so during the "with" rounds it
// sequences, fans out and sends while the devices push.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { makeDevice } from "../lib/client";
import { summarize } from "../lib/stats";
import type { Ctx, Row } from "../lib/types";
import { httpRound, type Side } from "./push";

async function slowReceiver(delayMs: number): Promise<{ url: string; server: Server; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      hits += 1;
      setTimeout(() => res.writeHead(200).end("ok"), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, server, hits: () => hits };
}

/** A service key with the admin scope, written as `npm run key:create` would (only its hash stored). */
async function adminKey(ctx: Ctx): Promise<string> {
  const key = `sdk_${randomBytes(32).toString("base64url")}`;
  await ctx.admin.query(
    "INSERT INTO service_keys (id, name, key_hash, prefix, scopes, streams, created_by) VALUES ($1, $2, $3, $4, $5, $6, 'system:bench')",
    [randomUUID(), `bench-hooks-${Date.now()}`, createHash("sha256").update(key).digest("hex"), key.slice(0, 10), ["admin"], ["*"]],
  );
  return key;
}

async function api(ctx: Ctx, key: string, method: string, path: string, body?: unknown): Promise<{ id?: string }> {
  const res = await fetch(`${ctx.server.url}${path}`, {
    method, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as { id?: string };
}

export async function measureWebhooks(ctx: Ctx): Promise<Row[]> {
  const { devices: count, bundles, items, rounds, receiverDelayMs } = ctx.cfg.webhooks;
  const devices = await Promise.all(Array.from({ length: count }, (_, i) => makeDevice(`hooks-${i}`)));
  const receiver = await slowReceiver(receiverDelayMs);
  const key = await adminKey(ctx);
  const withHook: Side[] = [];
  const without: Side[] = [];
  try {
    await httpRound(ctx, devices, 1, items); // warm-up
    const withEndpoint = async () => {
      const { id } = await api(ctx, key, "POST", "/api/v1/server/webhooks", { url: receiver.url, events: ["bundle.committed"] });
      try {
        return await httpRound(ctx, devices, bundles, items);
      } finally {
        await api(ctx, key, "DELETE", `/api/v1/server/webhooks/${id}`);
      }
    };
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        without.push(await httpRound(ctx, devices, bundles, items));
        withHook.push(await withEndpoint());
      } else {
        withHook.push(await withEndpoint());
        without.push(await httpRound(ctx, devices, bundles, items));
      }
      ctx.progress(`webhooks round ${r + 1}/${rounds}: with a 2 s endpoint ${withHook.at(-1)?.rate.toFixed(0)}/s, without ${without.at(-1)?.rate.toFixed(0)}/s; receiver hits so far ${receiver.hits()}`);
    }
  } finally {
    receiver.server.closeAllConnections();
    receiver.server.close();
  }
  const ratio = summarize(withHook.map((s, i) => s.rate / (without[i]?.rate ?? NaN)));
  return [{
    id: "webhooks", name: `Push with a webhook endpoint answering in ${receiverDelayMs / 1000} s: ${count} devices x ${items}-item bundles`, unit: "changes/s",
    value: summarize(withHook.map((s) => s.rate)), reference: summarize(without.map((s) => s.rate)), referenceLabel: "no endpoint",
    ratioLabel: "with / without", ratio, target: { op: ">=", value: 0.9 },
    notes: `the receiver was sent ${receiver.hits()} requests during the runs (the worker delivers while devices push)`,
    extra: { receiver_requests: receiver.hits() },
  }];
}
