// A tus Locker (@tus/utils Locker/Lock) that excludes across app instances with PostgreSQL
// session-level advisory locks. Within one process a map of held ids decides first (a session
// may take its own advisory lock twice, so the map is what excludes two requests of this
// process); across processes the advisory lock does. A waiter asks the holder to let go: locally
// through the holder's requestRelease, across instances by NOTIFY on a channel every locker
// LISTENs to while it holds locks. The embedded database (one process) runs the same code with
// its single session and no NOTIFY.
import { ERRORS, type Lock, type Locker, type RequestRelease } from "@tus/utils";
import type { LockSession } from "./tus-lock-session";

export type AdvisoryLockerOptions = {
  /** Give up (tus answers 423, see docs) when the lock is not free by then. */
  acquireTimeoutMs?: number;
  /** How often a waiter retries pg_try_advisory_lock. */
  pollMs?: number;
};

type Entry = { requestRelease: RequestRelease; acquired: boolean };

export class AdvisoryLocker implements Locker {
  readonly held = new Map<string, Entry>();
  private readonly wakers = new Map<string, Set<() => void>>();
  readonly acquireTimeoutMs: number;
  readonly pollMs: number;

  constructor(
    readonly session: LockSession,
    options: AdvisoryLockerOptions = {},
  ) {
    this.acquireTimeoutMs = options.acquireTimeoutMs ?? 30_000;
    this.pollMs = options.pollMs ?? 100;
    session.onReleaseRequested((id) => void this.held.get(id)?.requestRelease());
    session.onLost(() => {
      // Our advisory locks died with the connection: every holder must stop writing now.
      for (const entry of this.held.values()) if (entry.acquired) void entry.requestRelease();
    });
  }

  newLock(id: string): Lock {
    return new AdvisoryLock(this, id);
  }

  /** Resolves after `ms`, or earlier when this process releases `id` or `signal` aborts. */
  waitForRelease(id: string, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const wakers = this.wakers.get(id) ?? new Set<() => void>();
      this.wakers.set(id, wakers);
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        wakers.delete(done);
        if (wakers.size === 0 && this.wakers.get(id) === wakers) this.wakers.delete(id);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
      wakers.add(done);
    });
  }

  wake(id: string): void {
    for (const waker of [...(this.wakers.get(id) ?? [])]) waker();
  }
}

class AdvisoryLock implements Lock {
  private entry: Entry | undefined;

  constructor(
    private readonly locker: AdvisoryLocker,
    private readonly id: string,
  ) {}

  async lock(stopSignal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const { locker, id } = this;
    const deadline = Date.now() + locker.acquireTimeoutMs;
    let lastNotify = 0;
    for (;;) {
      if (stopSignal.aborted || Date.now() >= deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
      const local = locker.held.get(id);
      if (!local) {
        // 1. Reserve the id in this process, 2. take the advisory lock for every other process.
        const entry: Entry = { requestRelease, acquired: false };
        locker.held.set(id, entry);
        let locked = false;
        try {
          locked = await locker.session.tryLock(id);
        } finally {
          if (!locked) {
            locker.held.delete(id);
            locker.wake(id);
          }
        }
        if (locked) {
          entry.acquired = true;
          this.entry = entry;
          return;
        }
        // 3. Another instance holds it: ask it to finish up (at most once a second).
        if (Date.now() - lastNotify >= 1000) {
          lastNotify = Date.now();
          await locker.session.requestRelease(id);
        }
      } else if (local.acquired) {
        await local.requestRelease();
      }
      await locker.waitForRelease(id, Math.min(locker.pollMs, Math.max(0, deadline - Date.now())), stopSignal);
    }
  }

  async unlock(): Promise<void> {
    const entry = this.entry;
    if (!entry || this.locker.held.get(this.id) !== entry) throw new Error("Releasing an unlocked lock!");
    this.entry = undefined;
    try {
      await this.locker.session.unlock(this.id);
    } finally {
      // Only after the advisory lock is gone: this process's next holder takes it afresh.
      this.locker.held.delete(this.id);
      this.locker.wake(this.id);
    }
  }
}
