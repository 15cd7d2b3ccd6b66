// The devices of the live measure (bench/measures/live.ts), in a process of their own so their
// CPU and memory are not the server's and not the pusher's: opens one Server-Sent Events
// connection per device on loopback and stamps each `poke` on arrival with the host's clock
// (performance.timeOrigin + performance.now(), the same in every process on the machine).
// Driven over IPC: `open` -> `opened`; `arm` a stream -> `arrived` once every connection of that
// stream was poked about it (or the wait ran out); `close` -> exit.
import http from "node:http";
import { z } from "zod";

const ZConn = z.object({ jwt: z.string(), deviceId: z.string(), token: z.string(), streams: z.array(z.string()) });
const ZCommand = z.discriminatedUnion("type", [
  z.object({ type: z.literal("open"), url: z.string(), conns: z.array(ZConn), concurrency: z.number().int().min(1) }),
  z.object({ type: z.literal("arm"), stream: z.string(), timeoutMs: z.number() }),
  z.object({ type: z.literal("close") }),
]);
type Conn = z.infer<typeof ZConn>;

const clock = () => performance.timeOrigin + performance.now();
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const requests: http.ClientRequest[] = [];
const byStream = new Map<string, number>();
type Armed = { stream: string; times: number[]; expected: number; timer: NodeJS.Timeout };
let armed: Armed | undefined;

const send = (message: object) => process.send?.(message);

function finishArm(): void {
  if (!armed) return;
  clearTimeout(armed.timer);
  send({ type: "arrived", stream: armed.stream, times: armed.times, expected: armed.expected });
  armed = undefined;
}

/** A `poke` frame for the armed stream: counts each connection once per arm. */
function onPoke(data: string, at: number, seen: { arm?: Armed }): void {
  if (!armed || seen.arm === armed || !data.includes(`"${armed.stream}"`)) return;
  seen.arm = armed;
  armed.times.push(at);
  if (armed.times.length >= armed.expected) finishArm();
}

/** Opens one connection; resolves once its `ready` arrived. */
function openOne(url: string, conn: Conn): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}/api/v1/sync/events?token=${encodeURIComponent(conn.token)}`, {
      agent, // As the SDK's fetch and browsers' EventSource ask (an SSE answer must not be compressed).
      headers: { authorization: `Bearer ${conn.jwt}`, "x-device-id": conn.deviceId, accept: "text/event-stream", "accept-encoding": "gzip, deflate, br" },
    }, (res) => {
      if (res.statusCode !== 200 || res.headers["content-encoding"]) {
        res.resume();
        reject(new Error(`events answered ${res.statusCode} ${res.headers["content-encoding"] ?? ""}`));
        return;
      }
      res.setEncoding("utf8");
      let buffer = "";
      let ready = false;
      const seen: { arm?: Armed } = {};
      res.on("data", (chunk: string) => {
        const at = clock();
        buffer += chunk;
        for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (frame.startsWith("event: ready")) {
            ready = true;
            resolve();
          } else if (frame.startsWith("event: poke")) onPoke(frame, at, seen);
        }
      });
      res.on("end", () => (ready ? undefined : reject(new Error("events ended before ready"))));
    });
    req.on("error", reject);
    requests.push(req);
  });
}

async function openAll(url: string, conns: Conn[], concurrency: number): Promise<void> {
  for (const conn of conns) for (const s of conn.streams) byStream.set(s, (byStream.get(s) ?? 0) + 1);
  const started = clock();
  let next = 0;
  let failed = 0;
  let firstError = "";
  const worker = async () => {
    for (let i = next++; i < conns.length; i = next++) {
      await openOne(url, conns[i] as Conn).catch((error: unknown) => {
        failed++;
        firstError ||= String(error);
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, conns.length) }, worker));
  send({ type: "opened", ms: clock() - started, failed, firstError });
}

process.on("message", (raw: unknown) => {
  const command = ZCommand.parse(raw);
  if (command.type === "open") void openAll(command.url, command.conns, command.concurrency);
  else if (command.type === "arm") {
    finishArm();
    const current: Armed = { stream: command.stream, times: [], expected: byStream.get(command.stream) ?? 0, timer: setTimeout(() => finishArm(), command.timeoutMs) };
    armed = current;
    send({ type: "armed" });
    // None of this process's connections is on that stream: nothing to wait for.
    if (current.expected === 0) finishArm();
  } else {
    for (const req of requests) req.destroy();
    agent.destroy();
    process.exit(0);
  }
});
process.on("disconnect", () => process.exit(0));
