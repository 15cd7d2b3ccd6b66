// One convergence case against the real server: devices (SDK clients over memory storage, which
// outlives a client the way a phone's disk outlives the app), a lossy network per device, and a
// ledger of every edit the server acknowledged. After the actions, the network heals, every
// device syncs to quiescence, and `check` holds the server and the devices to the property.
import { compactStream } from "@/server/compaction/compact-stream";
import { mintDeviceJwt } from "@/server/http/dev-token";
import { canonicalJson } from "@/server/sync/canonical";
import { SyncClient } from "@syncdesk/client";
import { SyncError } from "@syncdesk/client";
import { MemoryStorage } from "@syncdesk/client";
import type { Data, EditAction } from "@syncdesk/client";
import { keyOf, serverSummary } from "../support/replica";
import { clientSummary } from "../support/sdk";
import { TEST_JWT_SECRET } from "../support/server";
import { TYPES, type Action, type Case, type TypeName } from "./actions";
import { freshData, type Totals } from "./data";
import { faultyFetch, type Faults } from "./faulty-fetch";
import { watchPushes, type PushWatch } from "./push-watch";
import type { RestartableServer } from "./restartable-server";

// Who a device is (same across app restarts); its token is minted before the World exists.
type Seat = { userId: string; streams: string[]; jwt: string; deviceId: string };
type Device = Seat & { storage: MemoryStorage; faults: Faults; pushes: PushWatch; client: SyncClient };
type Claim = { action: EditAction; data: Data | null; merged: boolean };
type ChangeRow = { stream: string; seq: bigint; type: string; recordId: string; op: string; version: number; data: unknown; batchId: string | null; conflict: unknown };

let worlds = 0;
const MAX_QUIESCE_ROUNDS = 8;

export class World {
  private readonly devices: Device[] = [];
  private readonly claims = new Map<string, Claim[]>();
  private readonly archive = new Map<string, ChangeRow>();
  private readonly repushed = new Set<string>();
  private readonly selfConflicts: string[] = [];
  private readonly streams: string[];
  private n = 0;
  /** Called on every device request (a pending server restart counts them down). */
  private onRequest: (() => void) | null = null;

  private constructor(private readonly server: RestartableServer, c: Case, private readonly totals: Totals, seats: Seat[], streams: string[]) {
    this.streams = streams;
    for (const [i, seat] of seats.entries()) {
      const faults = faultyFetch(c.rate, c.faultSeed + i);
      const pushes = watchPushes(faults.fetch, () => this.onRequest?.());
      const storage = new MemoryStorage();
      this.devices.push({ ...seat, storage, faults, pushes, client: this.newClient({ ...seat, storage, pushes }) });
    }
  }

  static async create(server: RestartableServer, c: Case, tag: string, totals: Totals): Promise<World> {
    const world = `${tag}-${++worlds}`;
    const users = Array.from({ length: c.users }, (_, i) => `${world}-u${i}`);
    const org = `org:${world}`;
    const seats: Seat[] = [];
    for (let i = 0; i < c.devices; i++) {
      const userId = users[i % c.users] ?? "";
      const jwt = await mintDeviceJwt({ userId, streams: [org], secret: TEST_JWT_SECRET });
      seats.push({ userId, streams: [`user:${userId}`, org], jwt, deviceId: `${world}-d${i}` });
    }
    const created = new World(server, c, totals, seats, [...users.map((u) => `user:${u}`), org]);
    await created.warmUp();
    totals.cases++;
    return created;
  }

  /** Before the faults: one record of each type in the org stream, on every device. */
  private async warmUp(): Promise<void> {
    const first = this.device(0);
    for (const type of TYPES) await first.client.create(type, this.data(type, null, true), { stream: first.streams[1] ?? "" });
    for (const d of this.devices) d.faults.enabled = false;
    for (const d of this.devices) await d.client.sync();
    for (const d of this.devices) d.faults.enabled = true;
  }

  /**
   * A (new) client over the device's storage: what an app restart leaves. Its backoff does not
   * wait, except while the server restarts: then it waits until the server is up again.
   */
  private newClient(d: Seat & Pick<Device, "storage" | "pushes">): SyncClient {
    const client = new SyncClient({
      url: this.server.url, token: d.jwt, storage: d.storage, deviceId: d.deviceId, fetch: d.pushes.fetch,
      retry: { attempts: 4, baseMs: 1, maxMs: 1 }, sleep: () => this.server.up(), pullLimit: 7, bootstrapLimit: 5, maxBundleItems: 6,
    });
    client.on("applied", (e) => {
      const at = `${keyOf(e.key)}@${e.version}`;
      this.claims.set(at, [...(this.claims.get(at) ?? []), { action: e.action, data: e.data, merged: e.conflict?.resolution === "merged" }]);
    });
    client.on("conflict", (c) => {
      this.totals.conflicts++;
      // An edit that conflicts with itself was applied once already: sent twice.
      const server = c.detail?.server_data;
      if (server && c.local_data && canonicalJson(server) === canonicalJson(c.local_data) && !this.repushed.has(canonicalJson(server))) {
        this.selfConflicts.push(`${keyOf(c.key)}: ${canonicalJson(server)}`);
      }
    });
    client.on("bootstrap", (e) => void (e.reason && this.totals.bootstraps++));
    return client;
  }

  private device(i: number): Device {
    const d = this.devices[i % this.devices.length];
    if (!d) throw new Error("no devices");
    return d;
  }

  /** Fresh, valid data for a type; every value carries a number used nowhere else. */
  private data(type: TypeName, current: Data | null, field: boolean): Data {
    return freshData(type, current, field, ++this.n);
  }

  async run(action: Action): Promise<void> {
    this.totals.actions++;
    try {
      await this.apply(action);
    } catch (error) {
      const tolerated = error instanceof SyncError && (error.retryable || (action.kind === "resolve" && error.status === 400));
      if (!tolerated) throw error;
      this.totals.failures++;
    }
  }

  private async apply(action: Action): Promise<void> {
    switch (action.kind) {
      case "create": {
        const d = this.device(action.device);
        const stream = action.shared ? (d.streams[1] ?? "") : (d.streams[0] ?? "");
        const id = action.id === 0 ? undefined : `x-${action.id}`;
        const existing = id ? await d.client.get(action.type, id, { stream }) : null;
        if (existing && id) return d.client.update(action.type, id, this.data(action.type, existing.data, true), { stream });
        await d.client.create(action.type, this.data(action.type, null, true), { stream, ...(id ? { id } : {}) });
        return;
      }
      case "update": case "delete": {
        const d = this.device(action.device);
        const rows = (await d.client.list()).sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
        const row = rows[action.pick % Math.max(rows.length, 1)];
        if (!row) return;
        if (action.kind === "delete") return d.client.delete(row.type, row.id, { stream: row.stream });
        return d.client.update(row.type, row.id, this.data(row.type as TypeName, row.data, action.field), { stream: row.stream });
      }
      case "sync":
        this.totals.syncs++;
        await this.device(action.device).client.sync();
        return;
      case "syncMany": {
        const devices = [...new Set(action.devices.map((i) => this.device(i)))];
        this.totals.syncs += devices.length;
        const compaction = action.compact === null ? [] : [this.compact(this.streams[action.compact % this.streams.length] ?? "")];
        const results = await Promise.allSettled([...devices.map((d) => d.client.sync()), ...compaction]);
        const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
        if (failed) throw failed.reason;
        return;
      }
      case "restart": {
        const d = this.device(action.device);
        await d.client.close();
        d.client = this.newClient(d);
        this.totals.restarts++;
        return;
      }
      case "resolve": return this.resolve(action);
      case "compact": return this.compact(this.streams[action.stream % this.streams.length] ?? "");
      case "serverRestart": return this.restartServer(action);
    }
  }

  /**
   * Devices sync at once and the server restarts after `after` of their requests (or once they
   * are done): requests in flight lose their answers, later ones are refused until it is back.
   */
  private async restartServer(action: Extract<Action, { kind: "serverRestart" }>): Promise<void> {
    const devices = [...new Set(action.devices.map((i) => this.device(i)))];
    this.totals.syncs += devices.length;
    let left = action.after;
    let restart: Promise<void> | null = null;
    const trigger = (): Promise<void> => {
      if (!restart) {
        restart = this.server.restart();
        restart.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
        this.totals.serverRestarts++;
      }
      return restart;
    };
    this.onRequest = () => void (left-- === 0 && trigger());
    try {
      const results = await Promise.allSettled(devices.map((d) => d.client.sync()));
      await trigger();
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    } finally {
      this.onRequest = null;
    }
  }

  private async resolve(action: Extract<Action, { kind: "resolve" }>): Promise<void> {
    const d = this.device(action.device);
    const conflicts = (await d.client.conflicts()).sort((a, b) => (a.id < b.id ? -1 : 1));
    const conflict = conflicts[action.pick % Math.max(conflicts.length, 1)];
    if (!conflict) return;
    if (action.keep === "server") return d.client.resolveConflict(conflict.id, { keep: "server" });
    if (action.keep === "local") {
      if (conflict.local_data) this.repushed.add(canonicalJson(conflict.local_data));
      return d.client.resolveConflict(conflict.id, { keep: "local" });
    }
    const current = (await d.client.get(conflict.key.type, conflict.key.id, { stream: conflict.key.stream }))?.data;
    const base = current ?? conflict.local_data ?? conflict.detail?.server_data ?? null;
    if (!base) return d.client.resolveConflict(conflict.id, { keep: "server" });
    return d.client.resolveConflict(conflict.id, { keep: "merged", data: this.data(conflict.key.type as TypeName, base, true) });
  }

  /**
   * The compaction job's own compactStream, forced to the stream's head (no retention window, no
   * holds): changes deleted, tombstones purged, and every device behind the head gets 412. The
   * changes up to that head are archived first, so the ledger still sees them; later ones stay.
   */
  private async compact(stream: string): Promise<void> {
    const prisma = this.server.db.prisma;
    const head = await prisma.stream.findUnique({ where: { name: stream }, select: { name: true, headSeq: true, compactedUntilSeq: true } });
    if (!head) return;
    await this.archiveChanges([stream]);
    await compactStream(prisma, { ...head, deviceHold: null, bootstrapHold: null, point: head.headSeq }, 7);
    this.totals.compactions++;
  }

  private async archiveChanges(streams: string[]): Promise<void> {
    const rows = await this.server.db.prisma.change.findMany({
      where: { stream: { in: streams } },
      select: { stream: true, seq: true, type: true, recordId: true, op: true, version: true, data: true, batchId: true, conflict: true },
    });
    for (const row of rows) this.archive.set(`${row.stream}#${row.seq}`, row);
  }

  /** The network heals; devices sync in turn until a whole round pushes nothing. */
  async quiesce(): Promise<void> {
    for (const d of this.devices) {
      this.totals.dropped += d.faults.stats.dropped;
      this.totals.lost += d.faults.stats.lost;
      this.totals.duplicated += d.faults.stats.duplicated;
      this.totals.unreachable += d.faults.stats.unreachable;
      this.totals.resent += d.pushes.resent;
      d.faults.enabled = false;
    }
    for (let round = 0; round < MAX_QUIESCE_ROUNDS; round++) {
      let pushed = 0;
      for (const d of this.devices) pushed += (await d.client.sync()).pushed;
      if (pushed === 0) return;
    }
    throw new Error(`devices still pushing after ${MAX_QUIESCE_ROUNDS} rounds without faults`);
  }

  /** The property: see the file header of convergence.integration.test.ts. */
  async check(expect: (ok: boolean, message: string) => void): Promise<void> {
    for (const [i, d] of this.devices.entries()) {
      expect((await d.client.pendingCount()) === 0, `device ${i} still has pending edits`);
      const server = await serverSummary(this.server.db.prisma, d.streams);
      const local = await clientSummary(d.client);
      expect(JSON.stringify(local) === JSON.stringify(server), `device ${i} differs from the server:\n local ${JSON.stringify(local)}\nserver ${JSON.stringify(server)}`);
    }
    await this.archiveChanges(this.streams);
    const rows = [...this.archive.values()];
    const at = new Map<string, ChangeRow[]>();
    for (const row of rows) {
      const k = `${row.stream}/${row.type}/${row.recordId}@${row.version}`;
      at.set(k, [...(at.get(k) ?? []), row]);
    }
    // No acknowledged edit is lost: each is in the change log, as sent.
    for (const [k, claims] of this.claims) {
      for (const claim of claims) {
        const candidates = (at.get(k) ?? []).filter((r) => (r.op === "delete") === (claim.action === "delete"));
        const found = claim.merged || claim.action === "delete"
          ? candidates.length > 0
          : candidates.some((r) => canonicalJson(r.data) === canonicalJson(claim.data));
        expect(found, `acknowledged ${claim.action} ${k} is not in the change log as sent`);
      }
    }
    // A push without an answer is sent again as it was (same bundle_id and body), across restarts.
    for (const [i, d] of this.devices.entries()) {
      expect(d.pushes.mismatches.length === 0, `device ${i} pushed other bytes after an unanswered push: ${d.pushes.mismatches.join("; ")}`);
    }
    // Nothing applied that no device was told about, and no edit applied twice.
    expect(this.selfConflicts.length === 0, `edits conflicted with themselves (sent twice): ${this.selfConflicts.join("; ")}`);
    const seen = new Map<string, number>();
    for (const row of rows) {
      if (!row.batchId) continue;
      const k = `${row.stream}/${row.type}/${row.recordId}`;
      expect(this.claims.has(`${k}@${row.version}`), `change ${k}@${row.version} (seq ${row.seq}) was never acknowledged to a device`);
      const merged = typeof row.conflict === "object" && row.conflict !== null && (row.conflict as { reason?: unknown }).reason === "merged";
      if (row.op !== "upsert" || merged || this.repushed.has(canonicalJson(row.data))) continue;
      const same = `${k}:${canonicalJson(row.data)}`;
      seen.set(same, (seen.get(same) ?? 0) + 1);
      expect((seen.get(same) ?? 0) === 1, `the edit ${same} was applied twice`);
    }
  }

  async close(): Promise<void> {
    for (const d of this.devices) await d.client.close();
  }
}
