// The server API's view of endpoints: snake_case, never the secret; ids that are not UUIDs name
// nothing (404 like an unknown one, not a 400 that would tell them apart).
import { z } from "zod";
import type { AuditActor } from "../audit/append";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { deleteWebhook, type WebhookSummary } from "./endpoints";

export const toWireWebhook = (w: WebhookSummary) => ({
  id: w.id, url: w.url, events: w.events, streams: w.streams, disabled: w.disabledAt !== null, created_at: w.createdAt.toISOString(),
});

export async function deleteWebhookById(db: Db, actor: AuditActor, id: string): Promise<{ id: string; deleted: true }> {
  if (!z.uuid().safeParse(id).success) throw new AppError("not_found", "No such webhook");
  await deleteWebhook(db, actor, id);
  return { id, deleted: true };
}
