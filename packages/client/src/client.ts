// SyncClient: the app's one object. Local edits go to a durable outbox at once (offline or not);
// `sync()` pushes the outbox, pulls the server's changes and acks them. Reads show the server's
// state with the pending edits on top. See docs/sdk.md.
import { resolveConflict, type ConflictChoice, type EditExtra } from "./conflicts";
import { readMeta, type SyncContext, type SyncEvents } from "./context";
import { Emitter, type Listener } from "./emitter";
import { createTransport, type FetchLike, type Transport } from "./http";
import { jwtSubject, tempId, uuid } from "./ids";
import { startLive, type Live, type LiveOptions } from "./live";
import { queueEdit, type Edit } from "./outbox";
import { pullAll, type PullReport } from "./pull";
import { pushAll } from "./push";
import { DEFAULT_RETRY, realSleep, type RetryPolicy, type Sleep } from "./retry";
import { uploadFile, type UploadOptions, type UploadResult, type UploadSource } from "./upload";
import type { SyncStorage } from "./storage/types";
import type { Data, LocalConflict, RecordKey, TypeMap, TypeName, ViewRecord } from "./types";
import { overlay, overlayAll } from "./view";
import { LIMITS, ZConflictPage, type TConflict } from "./wire";

export type SyncClientOptions = {
  /** The server's base URL, e.g. https://sync.example.com */
  url: string;
  /** The app's JWT, or a function returning a fresh one (called before every request). */
  token: string | (() => string | Promise<string>);
  storage: SyncStorage;
  /** Used on first launch only; afterwards the stored device id stays. Default: a random UUID. */
  deviceId?: string;
  /** The stream new records go to. Default: `user:<sub of the JWT>`. */
  stream?: string;
  /** Sync only these types. Default: all. */
  types?: string[];
  fetch?: FetchLike;
  retry?: Partial<RetryPolicy>;
  sleep?: Sleep;
  pullLimit?: number;
  bootstrapLimit?: number;
  maxBundleItems?: number;
  platform?: string;
  appVersion?: string;
};

/** `recovered`: records offered back to the server after a restore (docs/sdk.md "After a restore"). */
export type SyncReport = { pushed: number; pulled: number; bootstrapped: boolean; recovered: number };
type EditOptions = { stream?: string };

/**
 * `T` is the app's types by name (`SyncdeskTypes` from `npm run types:generate`): with it, the
 * data of `create` and `update` is checked against the type's fields at compile time, and reads
 * answer typed records. Without it every type name is allowed and data is `Data`.
 */
export class SyncClient<T extends TypeMap<T> = Record<string, Data>> {
  private readonly emitter = new Emitter<SyncEvents>();
  private readonly transport: Transport;
  private readonly ctx: SyncContext;
  private lock: Promise<unknown> = Promise.resolve();
  private queue: Promise<unknown> = Promise.resolve();
  private opened: Promise<void> | null = null;
  private deviceId: string | null = null;
  private defaultStream: string | null;

  constructor(private readonly options: SyncClientOptions) {
    this.defaultStream = options.stream ?? null;
    const fetcher = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.transport = createTransport({ url: options.url, token: options.token, fetch: fetcher, headers: () => this.headers() });
    this.ctx = {
      storage: options.storage,
      transport: this.transport,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      sleep: options.sleep ?? realSleep,
      emitter: this.emitter,
      exclusive: (fn) => this.exclusive(fn),
      types: options.types,
      pullLimit: options.pullLimit ?? LIMITS.pullDefault,
      bootstrapLimit: options.bootstrapLimit ?? LIMITS.bootstrapDefault,
      maxBundleItems: options.maxBundleItems ?? 100,
    };
  }

  /** Loads (or, on first launch, creates) the device identity. Other methods call it themselves. */
  open(): Promise<void> {
    this.opened ??= this.exclusive(async () => {
      const stored = await this.options.storage.getMeta();
      this.deviceId = stored.device_id ?? this.options.deviceId ?? uuid();
      if (!stored.device_id) await this.options.storage.write({ meta: { device_id: this.deviceId } });
    });
    return this.opened;
  }

  on<K extends keyof SyncEvents>(name: K, listener: Listener<SyncEvents[K]>): () => void {
    return this.emitter.on(name, listener);
  }

  async create<K extends TypeName<T>>(type: K, data: T[K], options: EditOptions & { id?: string } = {}): Promise<RecordKey> {
    const key = { stream: options.stream ?? (await this.stream()), type, id: options.id ?? tempId() };
    await this.edit(key, "create", data, { tempId: options.id ? null : key.id });
    return key;
  }

  /** Replaces the record's data (the whole of it, as the server stores it). */
  async update<K extends TypeName<T>>(type: K, id: string, data: T[K], options: EditOptions & { clientVersion?: number } = {}): Promise<void> {
    await this.edit(await this.key(type, id, options), "update", data, { clientVersion: options.clientVersion ?? null });
  }

  async delete(type: TypeName<T>, id: string, options: EditOptions = {}): Promise<void> {
    await this.edit(await this.key(type, id, options), "delete", null, {});
  }

  // Reads are typed by the map: what is stored was checked against the same types when it was
  // written (locally through `create`/`update`, or by the server's validation before a pull).
  async get<K extends TypeName<T>>(type: K, id: string, options: EditOptions = {}): Promise<ViewRecord<T[K]> | null> {
    const key = await this.key(type, id, options);
    const outbox = await this.options.storage.listOutbox();
    const mine = outbox.filter((e) => e.key.stream === key.stream && e.key.type === type && e.key.id === key.id);
    return overlay(key, await this.options.storage.getRecord(key), mine) as ViewRecord<T[K]> | null;
  }

  /** Every visible record, optionally of one type and one stream. */
  async list<K extends TypeName<T>>(type?: K, options: EditOptions = {}): Promise<ViewRecord<T[K]>[]> {
    await this.open();
    const filter = { type, stream: options.stream };
    const match = (k: RecordKey) => (!type || k.type === type) && (!options.stream || k.stream === options.stream);
    const records = overlayAll(await this.options.storage.listRecords(filter), await this.options.storage.listOutbox(), match);
    return records as ViewRecord<T[K]>[];
  }

  /** Local edits not yet confirmed by the server. */
  async pendingCount(): Promise<number> {
    return (await this.options.storage.listOutbox()).length;
  }

  /** The server id of a record created offline (the id itself when it is not a mapped temp id). */
  async resolveId(id: string): Promise<string> {
    await this.open();
    return (await readMeta(this.options.storage)).temp_ids[id] ?? id;
  }

  /** Pushes the outbox, then pulls until the device is current, and acks. Calls run one at a time. */
  sync(): Promise<SyncReport> {
    return this.serial(async () => {
      const pushed = await pushAll(this.ctx);
      const { pulled, bootstrapped, recovered } = await pullAll(this.ctx);
      if (recovered === 0) return { pushed, pulled, bootstrapped, recovered };
      // After a restore: what the server lost goes back now, and its answers come down.
      const repushed = await pushAll(this.ctx);
      const repulled = (await pullAll(this.ctx)).pulled;
      return { pushed: pushed + repushed, pulled: pulled + repulled, bootstrapped, recovered };
    });
  }

  /** Only pushes the outbox; returns how many edits the server answered. */
  push(): Promise<number> {
    return this.serial(() => pushAll(this.ctx));
  }

  /** Only pulls (bootstrapping first if needed) and acks. */
  pull(): Promise<PullReport> {
    return this.serial(() => pullAll(this.ctx));
  }

  /** Edits the server did not apply, for the app to show and resolve. */
  async conflicts(): Promise<LocalConflict[]> {
    return this.options.storage.listConflicts();
  }

  /** Resolves a conflict: keep the server's version, keep the local one, or a merged `data`. */
  async resolveConflict(id: string, choice: ConflictChoice): Promise<void> {
    await this.open();
    await resolveConflict(
      { ...this.ctx, edit: (key, action, data, extra) => this.edit(key, action, data, extra) },
      id,
      choice,
    );
    this.emitter.emit("resolved", { id });
  }

  /** The open conflicts the server holds on the user's records (from any device or the console). */
  async serverConflicts(): Promise<TConflict[]> {
    await this.open();
    const page = await this.transport.send("GET", "/api/v1/conflicts?status=open&limit=200", undefined, ZConflictPage);
    return page.conflicts;
  }

  /**
   * Uploads a file in chunks, resuming from the server's offset after failures and app restarts,
   * verified by sha256; `attach` puts the blob key into a record's field (see docs/sdk.md).
   */
  async uploadFile(source: UploadSource, options: UploadOptions): Promise<UploadResult> {
    await this.open();
    return uploadFile(this.ctx, source, options, (id) => this.resolveId(id));
  }

  /** Syncs now and whenever the server pokes (or every `intervalMs`), until `stop()`. */
  live(options: LiveOptions = {}): Live {
    return startLive({
      sync: () => this.sync(),
      open: async (signal) => {
        const token = (await readMeta(this.options.storage)).token ?? "";
        const fetcher = this.options.fetch ?? ((input, init) => globalThis.fetch(input, init));
        const url = `${this.options.url.replace(/\/+$/, "")}/api/v1/sync/events?token=${encodeURIComponent(token)}`;
        const headers = { authorization: `Bearer ${await this.transport.bearer()}`, accept: "text/event-stream", ...this.headers() };
        return fetcher(url, { headers, signal });
      },
      ...options,
    });
  }

  async close(): Promise<void> {
    await this.queue;
    await this.lock;
  }

  private async edit(
    key: RecordKey, action: Edit["action"], data: Data | null,
    extra: EditExtra,
  ): Promise<void> {
    await this.open();
    await this.exclusive(async () => {
      const storage = this.options.storage;
      const [outbox, base, meta] = await Promise.all([storage.listOutbox(), storage.getRecord(key), readMeta(storage)]);
      const edits = outbox.filter((e) => e.key.stream === key.stream && e.key.type === key.type && e.key.id === key.id);
      const visible = overlay(key, base, edits) !== null;
      if (action === "create" && visible) throw new Error(`${key.type} ${key.id} already exists`);
      if (action !== "create" && !visible) throw new Error(`no ${key.type} ${key.id} to ${action}`);
      const edit: Edit = {
        key, action, data, temp_id: extra.tempId ?? null, client_version: extra.clientVersion ?? null,
        updated_at: new Date().toISOString(),
      };
      const change = queueEdit(outbox, base, edit, meta.next_seq);
      await storage.write({
        outboxPut: change.put,
        outboxRemove: change.remove,
        meta: { next_seq: meta.next_seq + 1 },
        ...(extra.resolves ? { conflictsRemove: [extra.resolves] } : {}),
      });
    });
    this.emitter.emit("local", { key });
  }

  private async key(type: string, id: string, options: EditOptions): Promise<RecordKey> {
    return { stream: options.stream ?? (await this.stream()), type, id: await this.resolveId(id) };
  }

  private async stream(): Promise<string> {
    if (this.defaultStream) return this.defaultStream;
    const sub = jwtSubject(await this.transport.bearer());
    if (!sub) throw new Error("SyncClient: the JWT has no sub claim; pass `stream`");
    this.defaultStream = `user:${sub}`;
    return this.defaultStream;
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.deviceId) headers["x-device-id"] = this.deviceId;
    if (this.options.platform) headers["x-device-platform"] = this.options.platform;
    if (this.options.appVersion) headers["x-app-version"] = this.options.appVersion;
    return headers;
  }

  private serial<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.queue.then(async () => {
      await this.open();
      this.emitter.emit("sync", { state: "started" });
      try {
        const result = await fn();
        this.emitter.emit("sync", { state: "finished" });
        return result;
      } catch (error) {
        this.emitter.emit("sync", { state: "failed", error });
        throw error;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private exclusive<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.lock.then(fn);
    this.lock = run.catch(() => undefined);
    return run;
  }
}
