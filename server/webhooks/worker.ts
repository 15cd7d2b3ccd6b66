// The delivery worker of one instance. Each tick:
//   1. stops early when no endpoint exists (an idle server pays one small query a tick);
//   2. numbers committed feed events (server/feed/sequence.ts) and fans them out (fanout.ts), at
//      most once per interval: the extra ticks a finished send asks for only claim;
//   3. claims as many due deliveries as it has free slots (deliveries.ts: once per event across
//      instances, first of each endpoint and stream only) and sends them side by side.
// Sends are not awaited by the tick: a slow receiver holds its slot, never the loop; each
// finished send frees a slot and asks for another tick at once.
import type { Db } from "../db/client";
import { sequenceFeed } from "../feed/sequence";
import { logger } from "../log";
import { claimDeliveries, recordAttempt, type ClaimedDelivery } from "./deliveries";
import { fanOutEvents } from "./fanout";
import { sendWebhook } from "./send";

export type WebhookWorkerOptions = {
  db: Db;
  retrySeconds: readonly number[];
  timeoutMs: number;
  concurrency: number;
  /** Past the request timeout: a claim older than this is taken for its instance's death. */
  leaseSeconds?: number;
};

export type WebhookWorker = {
  /** One pass: sequence, fan out, claim and start sends. Resolves when the claims are made. */
  tick(): Promise<void>;
  start(intervalMs: number): void;
  /** Stops ticking and waits for the sends in flight. */
  stop(): Promise<void>;
  inFlight(): number;
};

export function createWebhookWorker(options: WebhookWorkerOptions): WebhookWorker {
  const { db, retrySeconds, timeoutMs, concurrency } = options;
  const leaseSeconds = options.leaseSeconds ?? Math.ceil(timeoutMs / 1000) + 30;
  const sending = new Set<Promise<void>>();
  let ticking: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let fanOutEveryMs = 0;
  let fannedOutAt = 0;

  async function deliver(delivery: ClaimedDelivery): Promise<void> {
    const outcome = await sendWebhook({ url: delivery.url, secret: delivery.secret, eventId: `evt_${delivery.position}`, body: delivery.body }, timeoutMs);
    const status = await recordAttempt(db, delivery, outcome, retrySeconds);
    if (status === "failed") logger.warn({ delivery: delivery.id, endpoint: delivery.endpoint_id }, "webhook delivery failed after its last attempt");
  }

  async function pass(): Promise<void> {
    // 1.
    const [{ n } = { n: 0 }] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM (SELECT 1 FROM webhook_endpoints LIMIT 1) e`;
    if (n === 0) return;
    // 2.
    if (Date.now() - fannedOutAt >= fanOutEveryMs) {
      fannedOutAt = Date.now();
      await sequenceFeed(db);
      await fanOutEvents(db);
    }
    // 3.
    const claimed = await claimDeliveries(db, concurrency - sending.size, leaseSeconds);
    for (const delivery of claimed) {
      const run: Promise<void> = deliver(delivery)
        .catch((error: unknown) => logger.error({ err: error, delivery: delivery.id }, "webhook attempt could not be recorded"))
        .finally(() => {
          sending.delete(run);
          if (!stopped) void tick();
        });
      sending.add(run);
    }
  }

  function tick(): Promise<void> {
    // One pass at a time per instance; a tick asked for meanwhile runs right after it.
    if (ticking) {
      again = true;
      return ticking;
    }
    ticking = pass()
      .catch((error: unknown) => logger.error({ err: error }, "webhook pass failed"))
      .finally(() => {
        ticking = null;
        if (again && !stopped) {
          again = false;
          void tick();
        }
      });
    return ticking;
  }

  return {
    tick,
    inFlight: () => sending.size,
    start(intervalMs) {
      if (timer) return;
      stopped = false;
      fanOutEveryMs = intervalMs;
      void tick();
      timer = setInterval(() => void tick(), intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await ticking;
      await Promise.allSettled([...sending]);
    },
  };
}
