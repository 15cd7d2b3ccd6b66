// Starts this process's webhook worker with the jobs (server/startup.ts): JOBS_ENABLED=false
// leaves both off unless WEBHOOKS_ENABLED says otherwise (the benchmark runs delivery without
// the jobs). Every instance may run one: claims never overlap (deliveries.ts).
import type { Db } from "../db/client";
import { env, type Env } from "../env";
import { logger } from "../log";
import { processSingleton } from "../process-singleton";
import { createWebhookWorker, type WebhookWorker } from "./worker";

/** How often a worker looks for new events and due retries when nothing wakes it sooner. */
const TICK_MS = 1_000;

declare module "../process-singleton" {
  interface ProcessSingletons {
    webhooks: { worker: WebhookWorker | undefined };
  }
}
const slot = () => processSingleton("webhooks", () => ({ worker: undefined }));

export function startWebhooks(db: Db, config: Env = env()): WebhookWorker | null {
  if ((config.WEBHOOKS_ENABLED ?? config.JOBS_ENABLED) === "false") return null;
  const current = slot();
  if (!current.worker) {
    current.worker = createWebhookWorker({
      db, retrySeconds: config.WEBHOOK_RETRY_SECONDS, timeoutMs: config.WEBHOOK_TIMEOUT_SECONDS * 1000, concurrency: config.WEBHOOK_CONCURRENCY,
    });
    current.worker.start(TICK_MS);
    logger.info({ retries: config.WEBHOOK_RETRY_SECONDS.length }, "webhook delivery started");
  }
  return current.worker;
}

export async function stopWebhooks(): Promise<void> {
  const current = slot();
  const worker = current.worker;
  current.worker = undefined;
  await worker?.stop();
}
