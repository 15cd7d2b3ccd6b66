// One sync batch for the console: the raw request, the stored response, every replay attempt,
// each item's latest result, and what a replay would retry now.
import { z } from "zod";
import type { DbOrTx } from "../db/client";
import { AppError } from "../errors";
import { batchSourceOf, type BatchSource } from "./source";
import { attemptResults, latestResults, responseResults, retriableIndexes, type ItemResult } from "./results";

export type BatchAttemptView = {
  attempt: number;
  actor: { id: string; email: string | null };
  status: string;
  results: ItemResult[];
  createdAt: Date;
};

export type BatchDetail = {
  id: string;
  userId: string;
  device: { ref: string; deviceId: string; platform: string | null; appVersion: string | null; revoked: boolean };
  source: BatchSource;
  bundleId: number;
  mode: string;
  status: string;
  itemCount: number;
  okCount: number;
  errorCount: number;
  conflictCount: number;
  createdAt: Date;
  request: unknown;
  response: unknown;
  results: ItemResult[];
  attempts: BatchAttemptView[];
  latest: Array<ItemResult | null>;
  retriable: number[];
};

export async function getBatchOrThrow(db: DbOrTx, id: string): Promise<BatchDetail> {
  if (!z.uuid().safeParse(id).success) throw new AppError("not_found", `No sync batch ${id}`);
  const batch = await db.syncBatch.findUnique({
    where: { id },
    include: {
      device: { select: { id: true, deviceId: true, platform: true, appVersion: true, revokedAt: true } },
      attempts: { orderBy: { attempt: "asc" } },
    },
  });
  if (!batch) throw new AppError("not_found", `No sync batch ${id}`);
  // Replays record the staff id as actor; anything else (a system job) is shown as it is.
  const actorIds = [...new Set(batch.attempts.map((a) => a.actor))].filter((a) => z.uuid().safeParse(a).success);
  const staff = await db.staffUser.findMany({ where: { id: { in: actorIds } }, select: { id: true, email: true } });
  const emailOf = new Map(staff.map((s) => [s.id, s.email]));
  const latest = latestResults(batch.itemCount, batch.response, batch.attempts);
  const { device } = batch;
  return {
    id: batch.id,
    userId: batch.userId,
    device: { ref: device.id, deviceId: device.deviceId, platform: device.platform, appVersion: device.appVersion, revoked: device.revokedAt !== null },
    source: batchSourceOf(device, batch.userId),
    bundleId: Number(batch.bundleId),
    mode: batch.mode,
    status: batch.status,
    itemCount: batch.itemCount,
    okCount: batch.okCount,
    errorCount: batch.errorCount,
    conflictCount: batch.conflictCount,
    createdAt: batch.createdAt,
    request: batch.request,
    response: batch.response,
    results: responseResults(batch.response),
    attempts: batch.attempts.map((a) => ({
      attempt: a.attempt,
      actor: { id: a.actor, email: emailOf.get(a.actor) ?? null },
      status: a.status,
      results: attemptResults(a.results),
      createdAt: a.createdAt,
    })),
    latest,
    retriable: retriableIndexes(batch.mode, latest),
  };
}
