// The fleet of the disaster-recovery drills (docs/operations.md): SDK devices of one user that
// keep working (creates, updates, deletes of their own memos, and edits of one memo they share)
// across a restore or a failover, and the checks every drill ends with:
//   - every device shows exactly what the server holds;
//   - every record whose last acknowledged write (the SDK's `applied` event: the device holds it)
//     the restored database lacked holds that write again, or a recovered write of it met the
//     type's policy and the audit log records the decision (`record.recovered` with a resolution),
//     or it was put back and a later acknowledged write replaced it;
//   - every record's last write acknowledged after the restore is present, or a recorded decision.
import { z } from "zod";
import type { Db } from "@/server/db/client";
import { jsonEqual } from "@/server/sync/canonical";
import type { SyncClient } from "@syncdesk/client";
import { SyncError } from "@syncdesk/client";
import { keyOf, serverSummary } from "./replica";
import { clientSummary, makeClient } from "./sdk";

export const DRILL_USER = "drill";
export const DRILL_STREAM = `user:${DRILL_USER}`;

type Acked = { data: Record<string, unknown> | null; version: number; epoch: number };
type Device = { name: string; client: SyncClient; own: string[]; made: number };

const memo = (content: string) => ({ content, tags: [], pinned: false });

export class Fleet {
  readonly devices: Device[] = [];
  /** The last acknowledged write of each record, by key, in the order the acks arrived. */
  readonly acked = new Map<string, Acked>();
  readonly diverged = new Set<string>();
  /** Records whose last acknowledged write the restored database lacked (`markRestored`). */
  lost: string[] = [];
  /** Bumped at the restore: versions restart there, so acks are ordered within a history. */
  private epoch = 0;
  recovered = 0;
  private round = 0;

  static async start(url: string, size: number): Promise<Fleet> {
    const fleet = new Fleet();
    for (let i = 0; i < size; i++) {
      const device: Device = { name: `d${i}`, client: await makeClient(url, DRILL_USER), own: [], made: 0 };
      device.client.on("applied", (e) => fleet.ack(keyOf(e.key), { data: e.action === "delete" ? null : e.data, version: e.version, epoch: fleet.epoch }));
      device.client.on("bootstrap", (e) => void (e.reason === "history_diverged" && fleet.diverged.add(device.name)));
      fleet.devices.push(device);
    }
    const first = fleet.devices[0];
    if (!first) throw new Error("a fleet has devices");
    await first.client.create("memo", memo("shared"), { id: "shared" });
    await fleet.settle();
    return fleet;
  }

  /** `rounds` rounds of edits; every device edits and syncs at once. `offline`: syncs may fail. */
  async work(rounds: number, options: { offline?: boolean } = {}): Promise<void> {
    for (let r = 0; r < rounds; r++) {
      this.round++;
      await Promise.all(this.devices.map(async (device) => {
        await this.edit(device);
        await this.sync(device, options.offline === true);
      }));
    }
  }

  /** Syncs every device, one after another, until a whole pass pushes and pulls nothing. */
  async settle(): Promise<void> {
    for (let pass = 0; pass < 6; pass++) {
      let moved = 0;
      for (const device of this.devices) {
        const report = await device.client.sync();
        moved += report.pushed + report.pulled + report.recovered;
      }
      if (moved === 0) return;
    }
    throw new Error("the fleet did not settle in 6 passes");
  }

  /** Call on the restored database before any device reaches it: notes what it lost. */
  async markRestored(db: Db): Promise<void> {
    this.lost = await this.missingOn(db);
    this.epoch++;
  }

  private ack(key: string, write: Acked): void {
    const before = this.acked.get(key);
    // Concurrent pushes answer in any order: within one history the higher version is the later.
    if (!before || before.epoch < write.epoch || before.version <= write.version) this.acked.set(key, write);
  }

  /** Records whose last acknowledged write the server does not hold right now. */
  async missingOn(db: Db): Promise<string[]> {
    const server = await serverRecords(db);
    return [...this.acked].filter(([key, write]) => !holds(server.get(key), write)).map(([key]) => key);
  }

  /** The drill's end state: see the file's comment. */
  async check(db: Db): Promise<{ failures: string[]; decided: number; recovered: number }> {
    const failures: string[] = [];
    const expected = await serverSummary(db, [DRILL_STREAM]);
    for (const device of this.devices) {
      const mine = await clientSummary(device.client);
      if (JSON.stringify(mine) !== JSON.stringify(expected)) failures.push(`${device.name} differs from the server`);
      if ((await device.client.pendingCount()) > 0) failures.push(`${device.name} has pending edits`);
    }
    const entries = await db.auditEntry.findMany({ where: { action: "record.recovered" }, select: { targetId: true, details: true } });
    const audit = entries.map((e) => ({ key: e.targetId, ...ZRecovered.parse(e.details) }));
    const decided = new Set(audit.filter((e) => e.resolution !== null).map((e) => e.key));
    const missing = new Set(await this.missingOn(db));
    for (const key of this.lost) {
      const putBack = audit.filter((e) => e.key === key && e.status === "ok").map((e) => e.version ?? 0);
      const replaced = (this.acked.get(key)?.epoch ?? 0) === this.epoch && putBack.some((v) => v < (this.acked.get(key)?.version ?? 0));
      if (missing.has(key) && !decided.has(key) && !replaced) failures.push(`lost write of ${key} is neither back nor a recorded policy decision`);
    }
    for (const key of missing) {
      if (this.acked.get(key)?.epoch === this.epoch && !decided.has(key)) failures.push(`write of ${key} acknowledged after the restore is missing`);
    }
    return { failures, decided: decided.size, recovered: audit.length };
  }

  private async edit(device: Device): Promise<void> {
    const { client } = device;
    const id = `${device.name}-${++device.made}`;
    await client.create("memo", memo(`${id} created in round ${this.round}`), { id });
    device.own.push(id);
    const visible = async (i: string) => (await client.get("memo", i)) !== null;
    const older = device.own[(this.round * 7) % device.own.length];
    if (older && older !== id && (await visible(older))) await client.update("memo", older, memo(`${older} edited in round ${this.round}`));
    if (this.round % 3 === 0 && device.own.length > 2) {
      const gone = device.own.shift();
      if (gone && (await visible(gone))) await client.delete("memo", gone);
    }
    if (await visible("shared")) await client.update("memo", "shared", memo(`shared, by ${device.name} in round ${this.round}`));
  }

  private async sync(device: Device, offline: boolean): Promise<void> {
    try {
      this.recovered += (await device.client.sync()).recovered;
    } catch (error) {
      // While the database is down the device keeps its edits and tries again later.
      if (!offline || !(error instanceof SyncError)) throw error;
    }
  }
}

function holds(server: { data: Record<string, unknown>; deleted: boolean } | undefined, write: Acked): boolean {
  if (write.data === null) return !server || server.deleted;
  return server !== undefined && !server.deleted && jsonEqual(server.data, write.data);
}

const ZData = z.record(z.string(), z.unknown());
const ZRecovered = z.object({ status: z.string(), version: z.number().nullable(), resolution: z.string().nullable() });

async function serverRecords(db: Db) {
  const rows = await db.record.findMany({ where: { stream: DRILL_STREAM }, select: { stream: true, type: true, id: true, data: true, deleted: true } });
  return new Map(rows.map((r) => [keyOf(r), { data: ZData.parse(r.data), deleted: r.deleted }]));
}
