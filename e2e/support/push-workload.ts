// A device that pushes realistic bundles (creates, updates and deletes of memos and diary entries;
// atomic bundles across its own and a shared stream; atomic bundles that must be rejected) and
// remembers exactly what every answered bundle did, so a spec can check the database and pulls
// against it afterwards. Each device is the only writer of its records, so every valid item must
// apply: any other answer is a bug, not a race.
import { randomUUID } from "node:crypto";
import { ZPushResponse, type TPushItem, type TPushResponse } from "@syncdesk/protocol";

export type PushBody = { device_id: string; bundle_id: number; mode: "partial" | "atomic"; items: TPushItem[] };

/** A change an applied bundle must have written (one per item). */
export type ExpectedChange = { stream: string; type: string; id: string; op: "upsert" | "delete"; version: number; marker: string | null };

export type SentBundle = {
  body: PushBody;
  /** null: the bundle is an atomic one with an invalid item, so it must be rejected whole. */
  expected: ExpectedChange[] | null;
  answer: TPushResponse;
  /** Attempts whose request got no answer (the server died or was down). */
  failedAttempts: number;
  lastFailureAt: number | null;
};

type KnownRecord = { stream: string; type: "memo" | "diary"; version: number; deleted: boolean; marker: string };

/** Deterministic pseudo-random numbers (mulberry32), so a seed reproduces a workload's shape. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function markerOf(type: string, data: Record<string, unknown> | null | undefined): string | null {
  if (!data) return null;
  const value = type === "diary" ? data.summary : data.content;
  return typeof value === "string" ? value : null;
}

export class WorkloadDevice {
  readonly records = new Map<string, KnownRecord>();
  readonly sent: SentBundle[] = [];
  private bundleId = 0;

  constructor(
    readonly userId: string,
    readonly deviceId: string,
    readonly sharedStream: string,
    private readonly random: () => number,
  ) {}

  get ownStream(): string {
    return `user:${this.userId}`;
  }

  /** The next bundle and what it must do once applied. */
  nextBundle(): { body: PushBody; expected: ExpectedChange[] | null } {
    this.bundleId += 1;
    const roll = this.random();
    if (roll < 0.1) return this.rejectedBundle();
    const atomic = roll < 0.45;
    const count = atomic ? 2 + this.int(7) : 1 + this.int(6);
    const items: TPushItem[] = [];
    const expected: ExpectedChange[] = [];
    const touched = new Set<string>();
    for (let index = 0; index < count; index += 1) {
      const marker = `${this.deviceId} b${this.bundleId} i${index}`;
      const live = [...this.records].filter(([id, r]) => !r.deleted && !touched.has(id));
      const pick = this.random();
      if (live.length > 0 && pick < 0.3) {
        const [id, record] = live[this.int(live.length)] as [string, KnownRecord];
        touched.add(id);
        items.push({ type: record.type, id, stream: record.stream, action: "update", base_version: record.version, data: recordData(record.type, marker) });
        expected.push({ stream: record.stream, type: record.type, id, op: "upsert", version: record.version + 1, marker });
      } else if (live.length > 0 && pick < 0.4 && !atomic) {
        const [id, record] = live[this.int(live.length)] as [string, KnownRecord];
        touched.add(id);
        items.push({ type: record.type, id, stream: record.stream, action: "delete", base_version: record.version });
        expected.push({ stream: record.stream, type: record.type, id, op: "delete", version: record.version + 1, marker: null });
      } else {
        const id = randomUUID();
        touched.add(id);
        const type = this.random() < 0.7 ? "memo" : "diary";
        const stream = atomic && this.random() < 0.5 ? this.sharedStream : this.ownStream;
        items.push({ type, id, stream, action: "create", data: recordData(type, marker) });
        expected.push({ stream, type, id, op: "upsert", version: 1, marker });
      }
    }
    return { body: { device_id: this.deviceId, bundle_id: this.bundleId, mode: atomic ? "atomic" : "partial", items }, expected };
  }

  /** Valid creates plus one item that fails validation: an atomic push applies none of them. */
  private rejectedBundle(): { body: PushBody; expected: null } {
    const items: TPushItem[] = [
      { type: "memo", id: randomUUID(), stream: this.sharedStream, action: "create", data: recordData("memo", `${this.deviceId} b${this.bundleId} never`) },
      { type: "memo", id: randomUUID(), action: "create", data: { content: 42, tags: [], pinned: false } },
      { type: "diary", id: randomUUID(), action: "create", data: recordData("diary", `${this.deviceId} b${this.bundleId} never`) },
    ];
    return { body: { device_id: this.deviceId, bundle_id: this.bundleId, mode: "atomic", items }, expected: null };
  }

  /** Checks an answer against what the bundle must have done, then learns the new versions. */
  accept(body: PushBody, expected: ExpectedChange[] | null, raw: unknown, failedAttempts: number, lastFailureAt: number | null): void {
    const answer = ZPushResponse.parse(raw);
    const where = `device ${this.deviceId} bundle ${body.bundle_id}`;
    if (answer.bundle_id !== body.bundle_id) throw new Error(`${where}: answered for bundle ${answer.bundle_id}`);
    if (expected === null) {
      const statuses = answer.results.map((r) => r.status);
      if (answer.status !== "rejected" || statuses.join() !== "skipped,error,skipped") {
        throw new Error(`${where}: expected a rejection, got ${JSON.stringify(answer)}`);
      }
    } else {
      if (answer.status !== "applied") throw new Error(`${where}: expected applied, got ${JSON.stringify(answer)}`);
      expected.forEach((change, index) => {
        const result = answer.results[index];
        if (result?.status !== "ok" || result.id !== change.id || result.version !== change.version) {
          throw new Error(`${where} item ${index}: expected ok v${change.version}, got ${JSON.stringify(result)}`);
        }
        this.records.set(change.id, {
          stream: change.stream,
          type: change.type as KnownRecord["type"],
          version: change.version,
          deleted: change.op === "delete",
          marker: change.marker ?? this.records.get(change.id)?.marker ?? "",
        });
      });
    }
    this.sent.push({ body, expected, answer, failedAttempts, lastFailureAt });
  }

  private int(below: number): number {
    return Math.floor(this.random() * below);
  }
}

function recordData(type: string, marker: string): Record<string, unknown> {
  return type === "diary"
    ? { date: "2026-11-22", mood: "steady", summary: marker }
    : { content: marker, tags: ["crash", "e2e"], pinned: false };
}
