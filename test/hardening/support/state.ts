// What a refused request must leave untouched: every table of the database (read from the catalog,
// so tables added later are covered) and every file under the blob root. One query fingerprints
// all tables, cheap enough to run after every fuzzed request so a failure names the request.
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

type Prisma = { $queryRawUnsafe<T = unknown>(query: string): Promise<T> };

/**
 * Parts of the state a refused request is documented to touch; nothing else may change.
 * - devices.last_seen_at: a call from a known device refreshes it (at most once a minute,
 *   server/devices/register.ts) before the handler can refuse the rest of the request, e.g. a
 *   bootstrap with a forged cursor. It is a liveness hint, not data a device syncs.
 * - rate_limit_counters: counts requests, refused ones included, by design (abuse limits).
 * - feed_events.position: every feed read first numbers the events already committed
 *   (server/feed/sequence.ts), refused or not; the events themselves may not change.
 */
export const IGNORED_COLUMNS: Record<string, string[]> = { devices: ["last_seen_at"], feed_events: ["position"] };
export const IGNORED_TABLES = new Set(["rate_limit_counters", "_prisma_migrations"]);

export type Fingerprint = Record<string, string>;

async function tables(prisma: Prisma): Promise<string[]> {
  const rows = await prisma.$queryRawUnsafe<{ name: string }[]>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1`,
  );
  return rows.map((r) => r.name).filter((name) => !IGNORED_TABLES.has(name));
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** Row count and a hash of all rows (as JSON, minus ignored columns) of every table, in one query. */
export async function fingerprintDatabase(prisma: Prisma): Promise<Fingerprint> {
  const names = await tables(prisma);
  if (names.length === 0) return {};
  const parts = names.map((name) => {
    const row = (IGNORED_COLUMNS[name] ?? []).reduce((expr, column) => `(${expr} - ${literal(column)})`, "to_jsonb(t)");
    // An order-free sum of 64-bit row hashes: no sort, and any changed, added or removed row shows.
    return `${literal(name)}, (SELECT count(*) || ':' || coalesce(sum(hashtextextended(${row}::text, 0)::numeric), 0) FROM ${quote(name)} t)`;
  });
  const [result] = await prisma.$queryRawUnsafe<{ f: Fingerprint }[]>(`SELECT json_build_object(${parts.join(", ")}) AS f`);
  return result?.f ?? {};
}

/** Every file under `root` with its size and modification time (empty when `root` is missing). */
export function listFiles(root: string | undefined): string[] {
  if (!root) return [];
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const stat = statSync(full, { throwIfNoEntry: false });
        out.push(`${path.relative(root, full)} ${stat?.size ?? "?"} ${stat?.mtimeMs ?? "?"}`);
      }
    }
  };
  walk(root);
  return out.sort();
}

/** Every object in the S3 bucket when blobs live in S3 (STORAGE_DRIVER=s3), with size and ETag. */
export async function listS3Objects(): Promise<string[]> {
  if (process.env.STORAGE_DRIVER !== "s3") return [];
  const { storageConfig } = await import("@/server/storage/config");
  const config = storageConfig();
  if (config.driver !== "s3") return [];
  const { ListObjectsV2Command, S3Client } = await import("@aws-sdk/client-s3");
  const client = new S3Client(config.clientConfig);
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: config.bucket, ContinuationToken: token }));
    for (const object of page.Contents ?? []) out.push(`s3:${object.Key} ${object.Size} ${object.ETag}`);
    token = page.NextContinuationToken;
  } while (token);
  client.destroy();
  return out.sort();
}

/** The file store's root (server/storage/config.ts: DATA_DIR/blobs; tus keeps its files below it). */
export function blobRoot(): string {
  return path.resolve(process.env.DATA_DIR ?? ".data", "blobs");
}

export type StateSnapshot = { db: Fingerprint; files: string[] };

/** The database, every file under the blob root, and the S3 bucket when blobs live there. */
export async function snapshotState(prisma: Prisma, root: string = blobRoot()): Promise<StateSnapshot> {
  return { db: await fingerprintDatabase(prisma), files: [...listFiles(root), ...(await listS3Objects())] };
}

/** Human-readable differences between two snapshots (empty when equal). */
export function diffState(before: StateSnapshot, after: StateSnapshot): string[] {
  const out: string[] = [];
  for (const name of new Set([...Object.keys(before.db), ...Object.keys(after.db)])) {
    if (before.db[name] !== after.db[name]) out.push(`table ${name}: ${before.db[name]} -> ${after.db[name]}`);
  }
  const a = new Set(before.files);
  const b = new Set(after.files);
  for (const file of a) if (!b.has(file)) out.push(`file gone or changed: ${file}`);
  for (const file of b) if (!a.has(file)) out.push(`file new or changed: ${file}`);
  return out;
}
