// Bringing the server's state in (PROTOCOL.md "Bootstrap", "Pull", "Ack"):
//   1. Without a token, bootstrap: every page until `more` is false, each page written with the
//      cursor to resume from, the first one replacing all local records (never the outbox).
//   2. Pull from the token until `more` is false, each page applied with its new token in one write.
//   3. 412 bootstrap_required: bootstrap again (the outbox stays and shows on top), then pull. With
//      the reason history_diverged (a restore or a failover), what the device held is kept first,
//      and after the bootstrap and its pulls what the server lost is queued back (heal.ts).
//   4. Ack the final token, after it is durably stored.
import type { SyncContext } from "./context";
import { readMeta } from "./context";
import { healFromRecovery, recoverySet } from "./heal";
import { SyncError } from "./http";
import { withRetry } from "./retry";
import { keyString, type LocalRecord } from "./types";
import { applyChanges, fromServerRecord } from "./view";
import { ZAckResponse, ZBootstrapResponse, ZPullResponse } from "./wire";

const MAX_BOOTSTRAPS = 5; // per pull: a server that keeps answering 412 is a bug, not a loop

/** `recovered`: edits queued after a restore (heal.ts), pushed by the next push. */
export type PullReport = { pulled: number; bootstrapped: boolean; recovered: number };

export async function pullAll(ctx: SyncContext): Promise<PullReport> {
  const report: PullReport = { pulled: 0, bootstrapped: false, recovered: 0 };
  let meta = await readMeta(ctx.storage);
  let bootstraps = 0;
  let token = meta.token;
  if (!token && !meta.bootstrap_cursor) ctx.emitter.emit("bootstrap", { reason: null });
  for (;;) {
    if (!token) {
      if (bootstraps++ >= MAX_BOOTSTRAPS) throw new SyncError("bootstrap_loop", "the server keeps asking for a bootstrap", 412);
      token = await bootstrap(ctx);
      report.bootstrapped = true;
    }
    const body = JSON.stringify({ token, limit: ctx.pullLimit });
    let page;
    try {
      page = await withRetry(() => ctx.transport.send("POST", "/api/v1/sync/pull", body, ZPullResponse), ctx.retry, ctx.sleep);
    } catch (error) {
      if (!(error instanceof SyncError) || error.code !== "bootstrap_required") throw error;
      const reason = typeof error.details.reason === "string" ? error.details.reason : "bootstrap_required";
      ctx.emitter.emit("bootstrap", { reason });
      await ctx.exclusive(() => dropToken(ctx, reason === "history_diverged"));
      token = null;
      continue;
    }
    const next = page.token;
    await ctx.exclusive(async () => {
      const known = new Map<string, LocalRecord>();
      for (const c of page.changes) {
        const record = await ctx.storage.getRecord(c);
        if (record) known.set(keyString(record), record);
      }
      await ctx.storage.write({ records: applyChanges(page.changes, known), meta: { token: next } });
    });
    report.pulled += page.changes.length;
    if (page.changes.length > 0) ctx.emitter.emit("changes", { changes: page.changes });
    token = next;
    if (!page.more) break;
  }
  // After the bootstrap and its pulls (or on the next pull, if the app stopped in between).
  report.recovered = (await healFromRecovery(ctx))?.edits.length ?? 0;
  meta = await readMeta(ctx.storage);
  await ack(ctx, meta.device_id, token);
  return report;
}

/**
 * Forgets the token. After a restore the records held are kept too, in the same write (unless an
 * earlier divergence's set still waits: the records may be a half-done bootstrap by now).
 */
async function dropToken(ctx: SyncContext, diverged: boolean): Promise<void> {
  const meta = await readMeta(ctx.storage);
  const keep = diverged && !meta.recovery ? { recovery: recoverySet(await ctx.storage.listRecords({})) } : {};
  await ctx.storage.write({ meta: { token: null, bootstrap_cursor: null, ...keep } });
}

/** Runs (or resumes) a bootstrap to its last page; returns the pull token. */
async function bootstrap(ctx: SyncContext): Promise<string> {
  const meta = await readMeta(ctx.storage);
  let cursor = meta.bootstrap_cursor;
  for (;;) {
    const body = JSON.stringify({
      device_id: meta.device_id,
      limit: ctx.bootstrapLimit,
      ...(ctx.types ? { types: ctx.types } : {}),
      ...(cursor ? { cursor } : {}),
    });
    let page;
    try {
      page = await withRetry(() => ctx.transport.send("POST", "/api/v1/sync/bootstrap", body, ZBootstrapResponse), ctx.retry, ctx.sleep);
    } catch (error) {
      // A stored cursor that expired (or a server whose secret changed): start over.
      const stale = error instanceof SyncError && (error.code === "bootstrap_required" || error.code === "invalid_token");
      if (!cursor || !stale) throw error;
      cursor = null;
      continue;
    }
    const first = !cursor;
    const done = !page.more;
    await ctx.exclusive(() =>
      ctx.storage.write({
        clearRecords: first,
        records: page.items.map(fromServerRecord),
        meta: { bootstrap_cursor: page.cursor, token: done ? page.token : null },
      }),
    );
    if (done) {
      if (!page.token) throw new SyncError("invalid_response", "the last bootstrap page has no token", null);
      return page.token;
    }
    cursor = page.cursor;
  }
}

/** Acks a durably stored token; a failed ack changes nothing and is simply repeated next time. */
async function ack(ctx: SyncContext, deviceId: string, token: string): Promise<void> {
  try {
    await ctx.transport.send("POST", "/api/v1/sync/ack", JSON.stringify({ device_id: deviceId, token }), ZAckResponse);
  } catch (error) {
    if (!(error instanceof SyncError)) throw error;
  }
}
