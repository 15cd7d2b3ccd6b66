// Webhook endpoints (INTEGRATION.md "Webhooks"): registered by an admin (console) or a service key
// with the admin scope, removed, disabled and their secrets rotated; every change audited. The
// secret is kept as issued because signing needs it (docs/backend.md "Webhooks"); it leaves the
// server only in the answer that creates or rotates it.
import { randomUUID } from "node:crypto";
import { appendAudit, type AuditActor } from "../audit/append";
import type { Db, DbOrTx } from "../db/client";
import { AppError } from "../errors";
import { sequenceFeed } from "../feed/sequence";
import { ZNewWebhook, type TNewWebhook } from "./schemas";
import { generateWebhookSecret } from "./signature";

export type WebhookSummary = {
  id: string; url: string; events: string[]; streams: string[];
  disabledAt: Date | null; createdBy: string; createdAt: Date; secretRotatedAt: Date | null;
};

const summarySelect = { id: true, url: true, events: true, streams: true, disabledAt: true, createdBy: true, createdAt: true, secretRotatedAt: true } as const;

/** The feed position reached so far: a new endpoint receives what is numbered after it. */
async function feedHead(db: DbOrTx): Promise<bigint> {
  const top = await db.feedEvent.aggregate({ _max: { position: true } });
  return top._max.position ?? 0n;
}

/** Registers an endpoint; without `streams` it receives every stream. Returns its secret, once. */
export async function createWebhook(db: Db, actor: AuditActor, input: TNewWebhook): Promise<{ id: string; secret: string }> {
  const parsed = ZNewWebhook.parse(input);
  const secret = generateWebhookSecret();
  const streams = parsed.streams ?? ["*"];
  // Events committed before now may still be unnumbered (nothing numbers them while no endpoint
  // exists): numbering them first puts them below the new endpoint's starting position.
  await sequenceFeed(db);
  return db.$transaction(async (tx) => {
    const created = await tx.webhookEndpoint.create({
      data: { id: randomUUID(), url: parsed.url, events: parsed.events, streams, secret, fanoutPosition: await feedHead(tx), createdBy: `${actor.type}:${actor.id}` },
      select: { id: true },
    });
    await appendAudit(tx, { actor, action: "webhook.create", target: { type: "webhook", id: created.id }, details: { url: parsed.url, events: parsed.events, streams } });
    return { id: created.id, secret };
  });
}

export function listWebhooks(db: DbOrTx): Promise<WebhookSummary[]> {
  return db.webhookEndpoint.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: summarySelect });
}

async function getOrThrow(db: DbOrTx, id: string): Promise<WebhookSummary> {
  const found = await db.webhookEndpoint.findUnique({ where: { id }, select: summarySelect });
  if (!found) throw new AppError("not_found", "No such webhook");
  return found;
}

/** Removes the endpoint with its deliveries and their attempts. */
export async function deleteWebhook(db: Db, actor: AuditActor, id: string): Promise<WebhookSummary> {
  return db.$transaction(async (tx) => {
    const found = await getOrThrow(tx, id);
    await tx.webhookEndpoint.delete({ where: { id } });
    await appendAudit(tx, { actor, action: "webhook.delete", target: { type: "webhook", id }, details: { url: found.url } });
    return found;
  });
}

/** A new secret, effective for the next attempt; the old one stops signing at once. */
export async function rotateWebhookSecret(db: Db, actor: AuditActor, id: string): Promise<{ id: string; secret: string }> {
  const secret = generateWebhookSecret();
  return db.$transaction(async (tx) => {
    const found = await getOrThrow(tx, id);
    await tx.webhookEndpoint.update({ where: { id }, data: { secret, secretRotatedAt: new Date() } });
    await appendAudit(tx, { actor, action: "webhook.rotate_secret", target: { type: "webhook", id }, details: { url: found.url } });
    return { id, secret };
  });
}

/**
 * A disabled endpoint is sent nothing: its waiting deliveries stay waiting, and events numbered
 * while it is disabled are not queued for it (the feed has them). Enabling resumes from there.
 */
export async function setWebhookDisabled(db: Db, actor: AuditActor, id: string, disabled: boolean): Promise<WebhookSummary> {
  return db.$transaction(async (tx) => {
    const found = await getOrThrow(tx, id);
    if ((found.disabledAt !== null) === disabled) return found;
    const updated = await tx.webhookEndpoint.update({ where: { id }, data: { disabledAt: disabled ? new Date() : null }, select: summarySelect });
    await appendAudit(tx, { actor, action: disabled ? "webhook.disable" : "webhook.enable", target: { type: "webhook", id }, details: { url: found.url } });
    return updated;
  });
}
