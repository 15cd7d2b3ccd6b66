// The tus advisory locker: two lockers (two connections, as two app instances have) exclude each
// other on PostgreSQL, a waiter's release request reaches the holder in the other instance, and
// the embedded database runs the same code with its one session (two requests of one process).
import { ERRORS } from "@tus/utils";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AdvisoryLocker } from "@/server/uploads/tus-locker";
import { pgLockSession, pgliteLockSession, type LockSession } from "@/server/uploads/tus-lock-session";
import { createTestDatabase, testDbEngine, type TestDatabase } from "../support/database";

let db: TestDatabase;
const sessions: LockSession[] = [];

beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await db?.close();
});

/** Two lockers as two instances would have them: separate connections on PostgreSQL. */
function twoLockers(options = {}): [AdvisoryLocker, AdvisoryLocker] {
  if (db.kind === "pglite") {
    // One process, one session: the same locker serves both requests.
    const locker = new AdvisoryLocker(pgliteLockSession(db.prisma), options);
    return [locker, locker];
  }
  const a = pgLockSession(db.url ?? "");
  const b = pgLockSession(db.url ?? "");
  sessions.push(a, b);
  return [new AdvisoryLocker(a, options), new AdvisoryLocker(b, options)];
}

async function advisoryLocksHeld(): Promise<number> {
  const rows = await db.prisma.$queryRawUnsafe<Array<{ n: number }>>(
    // pg_locks spans the cluster: other test files (migrations, job runners) hold advisory locks
    // of their own databases at the same time.
    `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return rows[0]?.n ?? 0;
}

const never = () => new AbortController().signal;

describe(`tus advisory locker on ${testDbEngine()}`, () => {
  it("excludes: the second locker cannot take a held id until the first unlocks", async () => {
    const [a, b] = twoLockers({ acquireTimeoutMs: 500, pollMs: 20 });
    const first = a.newLock("upload-1");
    let releaseAsked = 0;
    await first.lock(never(), () => {
      releaseAsked += 1; // a holder that ignores the request: the waiter must time out
    });
    expect(await advisoryLocksHeld()).toBe(1);

    await expect(b.newLock("upload-1").lock(never(), () => {})).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
    expect(releaseAsked).toBeGreaterThan(0);
    // Another id is independent.
    const other = b.newLock("upload-2");
    await other.lock(never(), () => {});
    await other.unlock();

    await first.unlock();
    const second = b.newLock("upload-1");
    await second.lock(never(), () => {});
    expect(await advisoryLocksHeld()).toBe(1);
    await second.unlock();
    expect(await advisoryLocksHeld()).toBe(0);
  });

  it("honours a release request: the holder is asked, lets go, and the waiter gets the lock", async () => {
    const [a, b] = twoLockers({ pollMs: 20 });
    const events: string[] = [];
    const holder = a.newLock("upload-3");
    await holder.lock(never(), () => {
      // Asked again while finishing up, as tus's own cancel() is, it stays one release.
      if (events.includes("release requested")) return;
      events.push("release requested");
      setTimeout(() => {
        events.push("holder unlocks");
        void holder.unlock();
      }, 50);
    });
    await b.newLock("upload-3").lock(never(), () => {});
    events.push("waiter locked");
    expect(events).toEqual(["release requested", "holder unlocks", "waiter locked"]);
  });

  it("stops waiting when the request is aborted, and refuses to unlock what it does not hold", async () => {
    const [a, b] = twoLockers({ pollMs: 20 });
    const holder = a.newLock("upload-4");
    await holder.lock(never(), () => {});
    const abort = new AbortController();
    const waiting = b.newLock("upload-4").lock(abort.signal, () => {});
    abort.abort();
    await expect(waiting).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
    await expect(b.newLock("upload-4").unlock()).rejects.toThrow(/unlocked/);
    await holder.unlock();
    expect(await advisoryLocksHeld()).toBe(0);
  });
});
