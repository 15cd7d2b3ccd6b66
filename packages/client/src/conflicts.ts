// Resolving what the server did not apply (types.ts LocalConflict):
//   - a conflict stored on the server (`stored`) is resolved there: accept_server, accept_client
//     or manual_merge; the resulting change arrives with the next pull;
//   - a `server_wins` outcome or a `rejected` edit is resolved here: keeping the server's version
//     just forgets the edit; keeping the local one (or a merge) queues it again on top of the
//     server's current version, removing the conflict in the same write.
import type { SyncContext } from "./context";
import { SyncError } from "./http";
import type { Data, EditAction, RecordKey } from "./types";
import { withRetry } from "./retry";
import { ZResolveResponse } from "./wire";
import { overlay } from "./view";

export type ConflictChoice = { keep: "server" } | { keep: "local" } | { keep: "merged"; data: Data };

export type EditExtra = { tempId?: string | null; clientVersion?: number | null; resolves?: string };

type Context = SyncContext & {
  edit(key: RecordKey, action: EditAction, data: Data | null, extra: EditExtra): Promise<void>;
};

const RESOLUTION = { server: "accept_server", local: "accept_client", merged: "manual_merge" } as const;

export async function resolveConflict(ctx: Context, id: string, choice: ConflictChoice): Promise<void> {
  const conflict = (await ctx.storage.listConflicts()).find((c) => c.id === id);
  if (!conflict) throw new Error(`no conflict ${id}`);
  const forget = () => ctx.exclusive(() => ctx.storage.write({ conflictsRemove: [id] }));

  if (conflict.kind === "stored") {
    const body = { resolution: RESOLUTION[choice.keep], ...(choice.keep === "merged" ? { data: choice.data } : {}) };
    const path = `/api/v1/conflicts/${encodeURIComponent(id)}/resolve`;
    try {
      // A retry after a lost answer finds the conflict resolved (409): the same as success.
      await withRetry(() => ctx.transport.send("POST", path, JSON.stringify(body), ZResolveResponse), ctx.retry, ctx.sleep);
    } catch (error) {
      // 409: resolved already (by another device or in the console); the pull brings the outcome.
      // 404: no longer among the user's conflicts (e.g. the stream was taken away): nothing to do.
      if (!(error instanceof SyncError) || (error.status !== 409 && error.status !== 404)) throw error;
    }
    await forget();
    return;
  }
  if (choice.keep === "server") return forget();

  const { key } = conflict;
  const outbox = await ctx.storage.listOutbox();
  const base = await ctx.storage.getRecord(key);
  const current = overlay(key, base, outbox.filter((e) => e.key.stream === key.stream && e.key.type === key.type && e.key.id === key.id));
  // Keeping a local edit means it should win: past the server's version under the version policy,
  // and made now under last-writer-wins.
  const clientVersion = (base?.version ?? 0) + 1;
  if (conflict.action === "delete" && choice.keep === "local") {
    if (!current) return forget();
    return ctx.edit(key, "delete", null, { resolves: id });
  }
  const data = choice.keep === "merged" ? choice.data : conflict.local_data;
  if (!data) return forget();
  if (current) return ctx.edit(key, "update", data, { clientVersion, resolves: id });
  const neverCreated = conflict.action === "create" && key.id.startsWith("tmp-") && !base;
  return ctx.edit(key, "create", data, { tempId: neverCreated ? key.id : null, clientVersion, resolves: id });
}
