// One simulated phone for `npm run simulate`: an app on the SDK that edits memos, notes, meters
// and forms in its own and a shared stream, loses its network now and then (and keeps editing),
// syncs, resolves the conflicts it gets, and now and then uploads a photo's image (attached to a
// photo record) or a plain file; an upload cut off by the network is resumed by the next one.
// Choices come from a seeded generator.
import { SyncClient } from "@syncdesk/client";
import { SyncError, type FetchLike } from "@syncdesk/client";
import { MemoryStorage } from "@syncdesk/client";
import type { Data } from "@syncdesk/client";
import { bytesSource } from "@syncdesk/client";

export type DeviceStats = {
  edits: number; syncs: number; offlineSyncs: number; failedSyncs: number; pushed: number; pulled: number;
  conflicts: number; resolved: number; bootstraps: number; offlinePeriods: number; syncMs: number[];
  uploads: number; uploadedBytes: number; resumedUploads: number; failedUploads: number;
};

/** A finished upload, to check at the end that the server serves the same bytes. */
export type Uploaded = { key: string; sha256: string };

const TYPES = ["memo", "noot", "meter", "submission"] as const;

export class SimDevice {
  online = true;
  readonly client: SyncClient;
  readonly stats: DeviceStats = {
    edits: 0, syncs: 0, offlineSyncs: 0, failedSyncs: 0, pushed: 0, pulled: 0,
    conflicts: 0, resolved: 0, bootstraps: 0, offlinePeriods: 0, syncMs: [],
    uploads: 0, uploadedBytes: 0, resumedUploads: 0, failedUploads: 0,
  };
  readonly uploaded: Uploaded[] = [];
  private n = 0;
  /** A file whose upload the network cut off: the next upload step resumes it. */
  private unfinished: { bytes: Uint8Array; filename: string } | null = null;

  constructor(
    readonly name: string,
    readonly userId: string,
    readonly org: string,
    readonly url: string,
    readonly jwt: string,
    private readonly random: () => number,
  ) {
    const offlineAware: FetchLike = (input, init) => {
      if (!this.online) return Promise.reject(new TypeError("offline (simulated)"));
      return fetch(input, init);
    };
    this.client = new SyncClient({
      url, token: jwt, storage: new MemoryStorage(), deviceId: name, fetch: offlineAware,
      retry: { attempts: 3, baseMs: 200, maxMs: 2000 }, platform: "simulator", appVersion: "1.0.0",
    });
    this.client.on("conflict", () => this.stats.conflicts++);
    this.client.on("bootstrap", (e) => void (e.reason && this.stats.bootstraps++));
  }

  private pick<T>(items: readonly T[]): T | undefined {
    return items[Math.floor(this.random() * items.length)];
  }

  private data(type: string, current: Data | null): Data {
    const n = ++this.n;
    const label = `${this.name} #${n}`;
    switch (type) {
      case "memo": return { content: `memo ${label}`, tags: this.random() < 0.3 ? ["work"] : [], pinned: this.random() < 0.2 };
      case "noot": return { title: `note ${label}`, activities: [{ at: n }] };
      case "meter": return current ? { ...current, reading: Math.round(this.random() * 10_000) / 10 } : { code: `M-${this.name}-${n}`, reading: 0, unit: "kWh" };
      case "photo": return { caption: `photo ${label}`, image: typeof current?.image === "string" ? current.image : null };
      default:
        if (!current) return { form_id: "inspection", form_version: 1, data: { answer: label }, status: "draft" };
        return this.random() < 0.5 ? { ...current, data: { answer: label } } : { ...current, status: this.pick(["draft", "submitted", "approved"]) ?? "draft" };
    }
  }

  /** One thing a user or the network does. */
  async step(): Promise<void> {
    const roll = this.random();
    if (roll < 0.08) {
      this.online = !this.online;
      if (!this.online) this.stats.offlinePeriods++;
      return;
    }
    if (roll < 0.3) return this.sync();
    if (roll < 0.36) return this.resolveOne();
    if (roll < 0.4) return this.upload();
    return this.edit();
  }

  private async edit(): Promise<void> {
    const rows = (await this.client.list()).filter((r) => r.type !== "blob"); // blob records are the server's
    const roll = this.random();
    const row = this.pick(rows);
    if (!row || roll < 0.3) {
      const type = this.pick(TYPES) ?? "memo";
      await this.client.create(type, this.data(type, null), this.random() < 0.35 ? { stream: this.org } : {});
    } else if (roll < 0.92) {
      await this.client.update(row.type, row.id, this.data(row.type, row.data), { stream: row.stream });
    } else {
      await this.client.delete(row.type, row.id, { stream: row.stream });
    }
    this.stats.edits++;
  }

  async sync(): Promise<void> {
    if (!this.online) {
      this.stats.offlineSyncs++;
      return;
    }
    const started = performance.now();
    try {
      const report = await this.client.sync();
      this.stats.syncs++;
      this.stats.pushed += report.pushed;
      this.stats.pulled += report.pulled;
      this.stats.syncMs.push(performance.now() - started);
    } catch {
      this.stats.failedSyncs++; // offline mid-sync, or the server busy: the outbox keeps it all
    }
  }

  /** Uploads a small file: a photo's image (a photo the server knows) or a plain file. */
  private async upload(): Promise<void> {
    const photos = (await this.client.list("photo")).filter((p) => !p.pending);
    if (!this.unfinished && photos.length === 0 && this.random() < 0.5) {
      await this.client.create("photo", this.data("photo", null), this.random() < 0.35 ? { stream: this.org } : {});
      this.stats.edits++;
      return;
    }
    const file = this.unfinished ?? { bytes: this.bytes(4096 + Math.floor(this.random() * 60_000)), filename: `f-${++this.n}.bin` };
    const photo = this.pick(photos);
    try {
      const result = await this.client.uploadFile(bytesSource(file.bytes), {
        filename: file.filename, contentType: "application/octet-stream", chunkSize: 16_384,
        ...(photo ? { attach: { type: "photo", id: photo.id, field: "image", stream: photo.stream } } : {}),
      });
      this.unfinished = null;
      this.stats.uploads++;
      this.stats.uploadedBytes += file.bytes.length;
      if (result.resumed) this.stats.resumedUploads++;
      this.uploaded.push({ key: result.blob_key, sha256: result.sha256 });
    } catch (error) {
      this.stats.failedUploads++;
      // Cut off by the network: resume it next time. Refused (e.g. the photo was deleted): drop it.
      this.unfinished = error instanceof SyncError && error.retryable ? file : null;
    }
  }

  private bytes(n: number): Uint8Array {
    const bytes = new Uint8Array(n);
    for (let i = 0; i < n; i++) bytes[i] = Math.floor(this.random() * 256);
    return bytes;
  }

  private async resolveOne(): Promise<void> {
    const conflict = this.pick(await this.client.conflicts());
    if (!conflict) return;
    const roll = this.random();
    try {
      if (roll < 0.4) await this.client.resolveConflict(conflict.id, { keep: "server" });
      else if (roll < 0.7 || !conflict.local_data) await this.client.resolveConflict(conflict.id, { keep: "local" });
      else await this.client.resolveConflict(conflict.id, { keep: "merged", data: this.data(conflict.key.type, conflict.local_data) });
      this.stats.resolved++;
    } catch {
      // offline, or refused (e.g. a unique code taken meanwhile): it stays for later
    }
  }
}
