// A real HTTP receiver for webhook tests (node:http on a free port): keeps every request's raw
// body and headers and answers as the test says, including slowly or never.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ZWebhookEvent, type TWebhookEvent } from "@/server/webhooks/schemas";

export type Received = { path: string; headers: IncomingHttpHeaders; body: string; event: TWebhookEvent; at: number };
/** The answer to a request: a status (after `delayMs`), or "hang" to never answer. */
export type Reply = { status: number; delayMs?: number; body?: string } | "hang";

export type Receiver = { url: string; received: Received[]; close(): Promise<void> };

export async function startReceiver(reply: (request: Received, index: number) => Reply = () => ({ status: 200 })): Promise<Receiver> {
  const received: Received[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const request = { path: req.url ?? "", headers: req.headers, body, event: ZWebhookEvent.parse(JSON.parse(body)), at: Date.now() };
      received.push(request);
      const answer = reply(request, received.length - 1);
      if (answer === "hang") {
        hanging.add(res);
        return;
      }
      setTimeout(() => res.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.body ?? `answered ${answer.status}`), answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Polls `check` until it holds (or fails the test after `timeoutMs`). */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
