// One writer per upload session at a time, across app instances: a chunk PUT or a completion
// claims the session row (a lease that expires, in case an instance dies mid-chunk) and must find
// the offset it expects. A client that resumes right after an interrupted PUT may arrive while the
// server is still storing what reached it: it waits for that to finish instead of failing.
import type { Db } from "../db/client";
import { sqlOf } from "../db/sql";
import { AppError } from "../errors";
import type { PartialState } from "../storage/blob-store";
import { sessionSelect, type SessionRow } from "./sessions";

const LEASE_MS = 5 * 60_000;
const WAIT_MS = 20_000;
const POLL_MS = 100;

export type Lease = { row: SessionRow; token: Date };

/** Claims the open session `id` at `offset`; 416 (with the offset) when the session is elsewhere. */
export async function claimSession(db: Db, row: SessionRow, offset: number, statuses: string[] = ["open"]): Promise<Lease> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const now = new Date();
    const token = new Date(now.getTime() + LEASE_MS);
    // One statement claims and reads the row (each chunk PUT pays for every round trip here).
    const [claimed] = await db.uploadSession.updateManyAndReturn({
      where: {
        id: row.id, status: { in: statuses }, offset: BigInt(offset),
        OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }],
      },
      data: { leaseUntil: token },
      select: sessionSelect,
    });
    if (claimed) return { row: claimed, token };
    const current = await db.uploadSession.findUnique({ where: { id: row.id }, select: sessionSelect });
    if (!current) throw new AppError("not_found", "No such upload");
    if (!statuses.includes(current.status)) throw new AppError("conflict", `The upload is ${current.status}`, { status: current.status });
    const busy = current.leaseUntil !== null && current.leaseUntil >= now;
    if (!busy) {
      throw new AppError("range_not_satisfiable", `The upload continues at byte ${current.offset}`, { offset: Number(current.offset) });
    }
    if (Date.now() > deadline) {
      throw new AppError("conflict", "Another request is writing this upload; retry shortly", { offset: Number(current.offset) });
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The session's columns for SessionRow; the bigints as text, which BigInt() reads alike on both engines. */
const SESSION_COLUMNS = `id, owner_id, filename, content_type, size::text, expected_sha256, "offset"::text, status,
  storage_key, store_state, lease_until, blob_key, expires_at`;

type SessionColumns = {
  id: string; owner_id: string; filename: string; content_type: string; size: string; expected_sha256: string | null;
  offset: string; status: string; storage_key: string; store_state: unknown; lease_until: Date | null; blob_key: string | null; expires_at: Date;
};

const rowOf = (r: SessionColumns): SessionRow => ({
  id: r.id, ownerId: r.owner_id, filename: r.filename, contentType: r.content_type, size: BigInt(r.size),
  expectedSha256: r.expected_sha256, offset: BigInt(r.offset), status: r.status, storageKey: r.storage_key,
  storeState: r.store_state, leaseUntil: r.lease_until, blobKey: r.blob_key, expiresAt: r.expires_at,
});

/**
 * The usual chunk in one statement: claims `callerId`'s open, unexpired session `id` (a UUID) at
 * `offset` when it is free. Null when anything differs (unknown, another's, busy, another offset):
 * the caller then looks the session up and answers as claimSession does. Through pg rather than
 * the ORM, as the release: the two cost a chunk ~1.5 ms less CPU so (bench/profiles/2026-12-09-uploads.md).
 */
export async function claimOwnSession(db: Db, callerId: string, id: string, offset: number): Promise<Lease | null> {
  const now = new Date();
  const token = new Date(now.getTime() + LEASE_MS);
  const [claimed] = await sqlOf(db)<SessionColumns>(
    `UPDATE upload_sessions SET lease_until = $5
     WHERE id = $1::uuid AND owner_id = $2 AND status = 'open' AND "offset" = $3::bigint AND expires_at > $4
       AND (lease_until IS NULL OR lease_until < $4)
     RETURNING ${SESSION_COLUMNS}`,
    [id, callerId, String(offset), now, token],
    { prepare: true },
  );
  return claimed ? { row: rowOf(claimed), token } : null;
}

/**
 * Renews the lease while a long request (a chunk over a slow network, hashing a large upload) is
 * still working, so no other request takes the session meanwhile. Call the returned stop function
 * before saving under the lease.
 */
export function keepLease(db: Db, lease: Lease): () => Promise<void> {
  let renewing: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewing.then(async () => {
      const token = new Date(Date.now() + LEASE_MS);
      const renewed = await db.uploadSession.updateMany({ where: { id: lease.row.id, leaseUntil: lease.token }, data: { leaseUntil: token } });
      if (renewed.count === 1) lease.token = token;
    }).catch(() => undefined);
  }, LEASE_MS / 5);
  return async () => {
    clearInterval(timer);
    await renewing;
  };
}

/** What a release saves besides freeing the lease (fields left out keep their value). */
export type SessionUpdate = { offset?: bigint; storeState?: PartialState; expiresAt?: Date; status?: string; blobKey?: string };

/** Saves the session under the lease and releases it (false if the lease was lost). */
export async function releaseSession(db: Db, lease: Lease, data: SessionUpdate = {}): Promise<boolean> {
  const saved = await sqlOf(db)(
    `UPDATE upload_sessions SET lease_until = NULL, updated_at = $3,
       "offset" = COALESCE($4::bigint, "offset"), store_state = COALESCE($5::jsonb, store_state),
       expires_at = COALESCE($6, expires_at), status = COALESCE($7, status), blob_key = COALESCE($8, blob_key)
     WHERE id = $1::uuid AND lease_until = $2
     RETURNING 1`,
    [lease.row.id, lease.token, new Date(), data.offset?.toString() ?? null, data.storeState === undefined ? null : JSON.stringify(data.storeState),
      data.expiresAt ?? null, data.status ?? null, data.blobKey ?? null],
    { prepare: true },
  );
  return saved.length === 1;
}
