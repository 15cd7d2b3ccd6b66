// The one way to write the change log. Every writer (push, replay, conflict resolution, upload
// completion, and those to come: the server API, table capture) runs its work here:
//   1. one transaction on the engine's SQL path (server/db/sql.ts);
//   2. the work reads what it must, then opens the bundle once it knows its streams (their head
//      rows are locked in name order until commit: bundle.ts);
//   3. the bundle is flushed (records, changes, heads, and the batch row's answer when the work
//      gave one) just before commit; a work that discarded it (an atomic rejection) writes no change;
//   4. after commit, the advanced heads are announced to live updates and the commit is measured.
// A work that throws rolls everything back; nothing is announced. A push that PostgreSQL aborts
// to break a deadlock (with a SQL writer of a table-backed type creating the same key at the same
// moment: capture takes the key before the head, a push the head before the key; docs/tables.md)
// runs again from the start: it wrote nothing, and its work reads everything it needs anew. So
// does any work whose table rows an outside writer changed before the capture sequencer took that
// write (the commit-time flush refuses to commit it: its work read a mirror that was behind), once
// the sequencer has caught up (capture/sequence.ts).
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { anyCaptured } from "../capture/install";
import { isCaptureBehind } from "../capture/capture-behind";
import { drainCaptured } from "../capture/sequence";
import { engineOf, type Sql } from "../db/sql";
import { recordBundleCommit } from "../metrics/registry";
import { announceCommit } from "./announce";
import { openBundle, writeBatchAnswer, type BatchAnswer, type Bundle, type BundleOrigin } from "./bundle";

export type BundleWriter = "push" | "server_push" | "replay" | "resolve" | "upload" | "restore";

export type BundleTx = {
  /** The transaction's statement runner: every other write of the work goes through it. */
  sql: Sql;
  /** Opens the bundle (once) on `streams`, locking their heads. */
  open(streams: readonly string[], origin: BundleOrigin): Promise<Bundle>;
  /** The batch row's answer, written with the flush (bundle.ts) just before commit. */
  answer(batchId: string, answer: BatchAnswer): void;
};

const DEADLOCK_ATTEMPTS = 3;
const CAPTURE_ATTEMPTS = 5;
const isDeadlock = (error: unknown) => error instanceof Error && "code" in error && error.code === "40P01";

/** Outside writers kept changing the rows faster than the work could run after the sequencer. */
const captureBusy = () => new AppError("unavailable", "Other writers keep changing these rows of the team's table; retry", {
  reason: "capture_behind", retry_after_seconds: 1,
});

export async function commitBundle<T>(db: Db, writer: BundleWriter, work: (tx: BundleTx) => Promise<T>): Promise<T> {
  const retried = writer === "push" || writer === "server_push";
  for (let attempt = 1; ; attempt++) {
    try {
      return await commitBundleOnce(db, writer, work);
    } catch (error) {
      if (isCaptureBehind(error) && attempt >= CAPTURE_ATTEMPTS) throw captureBusy();
      if (isCaptureBehind(error)) await drainCaptured(db);
      else if (!retried || attempt >= DEADLOCK_ATTEMPTS || !isDeadlock(error)) throw error;
    }
  }
}

async function commitBundleOnce<T>(db: Db, writer: BundleWriter, work: (tx: BundleTx) => Promise<T>): Promise<T> {
  const started = performance.now();
  let bundle: Bundle | undefined;
  let answered: { batchId: string; answer: BatchAnswer } | undefined;
  // 1.
  const result = await engineOf(db).transaction(async (sql) => {
    // The team's tables' triggers tell this transaction from an outside writer by this setting.
    if (anyCaptured()) await sql("SELECT set_config('syncdesk.in_bundle', 'on', true)");
    // 2.
    const value = await work({
      sql,
      open: async (streams, origin) => {
        if (bundle) throw new Error("a bundle is opened once per transaction");
        bundle = await openBundle(sql, streams, origin);
        return bundle;
      },
      answer: (batchId, answer) => void (answered = { batchId, answer }),
    });
    // 3.
    if (bundle && answered && bundle.batchId !== answered.batchId) throw new Error("a batch answer is for the bundle's own batch");
    if (bundle) await bundle.close(answered?.answer);
    else if (answered) await writeBatchAnswer(sql, answered.batchId, answered.answer);
    return value;
  });
  // 4.
  recordBundleCommit(writer, bundle?.changeCount() ?? 0, (performance.now() - started) / 1000);
  await announceCommit(db, bundle?.advancedHeads() ?? {});
  return result;
}
