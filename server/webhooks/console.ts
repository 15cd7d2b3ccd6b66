// The console's Webhooks page: endpoints with their backlog, and deliveries newest first (keyset
// paged, filtered by endpoint and status), each with every attempt made. Never the secret.
import type { AuditActor } from "../audit/append";
import { appendAudit } from "../audit/append";
import type { Db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { decodeKeysetCursor, keysetPage } from "../db/keyset-cursor";
import { AppError } from "../errors";
import { listWebhooks, type WebhookSummary } from "./endpoints";

export const DELIVERY_STATUSES = ["pending", "succeeded", "failed"] as const;

export type ConsoleWebhook = WebhookSummary & { pending: number; failed: number };

export async function listWebhooksForConsole(db: Db): Promise<ConsoleWebhook[]> {
  const [endpoints, counts] = await Promise.all([
    listWebhooks(db),
    db.webhookDelivery.groupBy({ by: ["endpointId", "status"], where: { status: { in: ["pending", "failed"] } }, _count: { _all: true } }),
  ]);
  const count = (id: string, status: string) => counts.find((c) => c.endpointId === id && c.status === status)?._count._all ?? 0;
  return endpoints.map((e) => ({ ...e, pending: count(e.id, "pending"), failed: count(e.id, "failed") }));
}

const deliverySelect = {
  id: true, endpointId: true, position: true, stream: true, status: true, attempts: true, nextAttemptAt: true, lastStatusCode: true, createdAt: true,
  endpoint: { select: { url: true } },
  attemptLog: { orderBy: { attemptedAt: "desc" }, select: { id: true, attemptedAt: true, statusCode: true, latencyMs: true, error: true, responseExcerpt: true } },
} as const satisfies Prisma.WebhookDeliverySelect;

type DeliveryRow = Prisma.WebhookDeliveryGetPayload<{ select: typeof deliverySelect }>;
export type ConsoleDelivery = Omit<DeliveryRow, "position" | "attemptLog"> & {
  eventId: string;
  attemptLog: (Omit<DeliveryRow["attemptLog"][number], "id"> & { id: string })[];
};

export async function listDeliveries(
  db: Db, query: { endpointId?: string; status?: (typeof DELIVERY_STATUSES)[number]; cursor?: string; limit: number },
): Promise<{ rows: ConsoleDelivery[]; nextCursor: string | null }> {
  const where: Prisma.WebhookDeliveryWhereInput[] = [];
  if (query.endpointId) where.push({ endpointId: query.endpointId });
  if (query.status) where.push({ status: query.status });
  if (query.cursor) {
    const after = decodeKeysetCursor(query.cursor);
    where.push({ OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] });
  }
  const rows = await db.webhookDelivery.findMany({
    where: { AND: where }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: query.limit + 1, select: deliverySelect,
  });
  const { page, nextCursor } = keysetPage(rows, query.limit, (r) => ({ at: r.createdAt, id: r.id }));
  return {
    rows: page.map(({ position, attemptLog, ...r }) => ({
      ...r, eventId: `evt_${position}`, attemptLog: attemptLog.map((a) => ({ ...a, id: a.id.toString() })),
    })),
    nextCursor,
  };
}

/** Sends a delivery again from its first attempt on (the same event, newly signed); audited. */
export async function redeliverDelivery(db: Db, actor: AuditActor, deliveryId: string): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    const found = await tx.webhookDelivery.findUnique({ where: { id: deliveryId }, select: { id: true, endpointId: true, position: true } });
    if (!found) throw new AppError("not_found", "No such delivery");
    const now = new Date();
    await tx.webhookDelivery.update({ where: { id: deliveryId }, data: { status: "pending", attempts: 0, nextAttemptAt: now, updatedAt: now } });
    await appendAudit(tx, { actor, action: "webhook.redeliver", target: { type: "webhook", id: found.endpointId }, details: { delivery: deliveryId, event: `evt_${found.position}` } });
    return { id: deliveryId };
  });
}
