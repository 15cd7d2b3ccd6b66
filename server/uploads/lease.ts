// One writer per upload session at a time, across app instances: a chunk PUT or a completion
// claims the session row (a lease that expires, in case an instance dies mid-chunk) and must find
// the offset it expects. A client that resumes right after an interrupted PUT may arrive while the
// server is still storing what reached it: it waits for that to finish instead of failing.
import type { Db } from "../db/client";
import { AppError } from "../errors";
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

/**
 * The usual chunk in one statement: claims `callerId`'s open, unexpired session `id` at `offset`
 * when it is free. Null when anything differs (unknown, another's, busy, another offset): the
 * caller then looks the session up and answers as claimSession does.
 */
export async function claimOwnSession(db: Db, callerId: string, id: string, offset: number): Promise<Lease | null> {
  const now = new Date();
  const token = new Date(now.getTime() + LEASE_MS);
  const [claimed] = await db.uploadSession.updateManyAndReturn({
    where: {
      id, ownerId: callerId, status: "open", offset: BigInt(offset), expiresAt: { gt: now },
      OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }],
    },
    data: { leaseUntil: token },
    select: sessionSelect,
  });
  return claimed ? { row: claimed, token } : null;
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

/** Saves the session under the lease and releases it (false if the lease was lost). */
export async function releaseSession(db: Db, lease: Lease, data: Parameters<Db["uploadSession"]["updateMany"]>[0]["data"] = {}): Promise<boolean> {
  const saved = await db.uploadSession.updateMany({
    where: { id: lease.row.id, leaseUntil: lease.token },
    data: { ...data, leaseUntil: null, updatedAt: new Date() },
  });
  return saved.count === 1;
}
