// Helpers for the protocol tests in test/protocol/: pushing items, reading whole tables to prove
// that a rejected request stored nothing, and pulling as a second device would.
import { expect } from "vitest";
import type { PrismaClient } from "@/server/db/generated/client";
import { ZBootstrapResponse, ZPullResponse, ZPushResponse, type TChange, type TPushItem, type TPushResponse } from "@syncdesk/protocol";
import { bodyOf, errorOf, invalidFieldsOf } from "./answers";
import type { Answer, TestDevice } from "./device";

type Prisma = Pick<PrismaClient, "$queryRawUnsafe">;
export type Rows = Record<string, unknown>[];
export type Snapshot = Record<string, Rows>;

let nextBundleId = 1;

/** A bundle id no earlier push in this process used. */
export function freshBundleId(): number {
  return nextBundleId++;
}

export type PushOptions = { bundleId?: number; mode?: "partial" | "atomic"; deviceId?: string };

export type PushItem = Partial<TPushItem> & Pick<TPushItem, "type" | "action">;

export function pushBody(device: TestDevice, items: PushItem[], options: PushOptions = {}) {
  return {
    device_id: options.deviceId ?? device.deviceId,
    bundle_id: options.bundleId ?? freshBundleId(),
    ...(options.mode ? { mode: options.mode } : {}),
    items,
  };
}

/** POSTs a push and returns the raw answer (status, body). */
export function pushItems(device: TestDevice, items: PushItem[], options: PushOptions = {}): Promise<Answer> {
  return device.call("POST", "/api/v1/sync/push", pushBody(device, items, options));
}

/** Pushes and expects HTTP 200; returns the push response. */
export async function push(device: TestDevice, items: PushItem[], options: PushOptions = {}): Promise<TPushResponse> {
  const answer = await pushItems(device, items, options);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return bodyOf(answer, ZPushResponse);
}

/** Creates one record and returns its id and version. */
export async function createRecord(device: TestDevice, type: string, data: Record<string, unknown>, id?: string) {
  const response = await push(device, [{ type, action: "create", ...(id ? { id } : {}), data }]);
  const result = response.results[0];
  expect(result?.status, JSON.stringify(result)).toBe("ok");
  return { id: result?.id ?? "", version: result?.version ?? 0 };
}

/**
 * The application tables of the current schema: everything but the migrations table and the
 * rate-limit counters (server/limits), which count every request, a refused one too.
 */
export async function tableNames(prisma: Prisma): Promise<string[]> {
  const rows = await prisma.$queryRawUnsafe<{ name: string }[]>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT IN ('_prisma_migrations', 'rate_limit_counters') ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

/** Row counts of every application table. */
export async function countRows(prisma: Prisma): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of await tableNames(prisma)) {
    const [row] = await prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${name}"`);
    counts[name] = Number(row?.n ?? -1);
  }
  return counts;
}

/** Every row of every application table, as JSON text in a stable order. */
export async function snapshotTables(prisma: Prisma): Promise<Snapshot> {
  const snapshot: Snapshot = {};
  for (const name of await tableNames(prisma)) {
    const rows = await prisma.$queryRawUnsafe<{ row: string }[]>(
      `SELECT row_to_json(t)::text AS row FROM "${name}" t ORDER BY row_to_json(t)::text`,
    );
    snapshot[name] = rows.map((r) => JSON.parse(r.row) as Record<string, unknown>);
  }
  return snapshot;
}

/** A snapshot without the given columns of one table (e.g. a device's last_seen_at). */
export function withoutColumns(snapshot: Snapshot, table: string, columns: string[]): Snapshot {
  const rows = (snapshot[table] ?? []).map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !columns.includes(k))));
  return { ...snapshot, [table]: rows };
}

/** Bootstraps a device to the end and returns the token to pull from. */
export async function bootstrapToken(device: TestDevice): Promise<string> {
  let cursor: string | undefined;
  for (;;) {
    const answer = await device.call("POST", "/api/v1/sync/bootstrap", { device_id: device.deviceId, ...(cursor ? { cursor } : {}) });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const page = bodyOf(answer, ZBootstrapResponse);
    if (!page.more) return String(page.token);
    cursor = String(page.cursor);
  }
}

export type WireChange = TChange;

/** Pulls every change after `token`; returns the changes and the new token. */
export async function pullAll(device: TestDevice, token: string): Promise<{ changes: WireChange[]; token: string }> {
  const changes: WireChange[] = [];
  for (;;) {
    const answer = await device.call("POST", "/api/v1/sync/pull", { token });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const page = bodyOf(answer, ZPullResponse);
    changes.push(...page.changes);
    token = page.token;
    if (!page.more) return { changes, token };
  }
}

/** Asserts the error envelope of PROTOCOL.md "Errors" with the given status and code. */
export function expectError(answer: Answer, status: number, code: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  const error = errorOf(answer);
  expect(error.code).toBe(code);
  // Nothing beside `error` (ZErrorBody.parse above dropped any other member).
  expect(answer.body).toEqual({ error });
}

/** The distinct `details.fields[].field` names of a 400 (one field may fail two checks). */
export function badFields(answer: Answer): string[] {
  const fields = invalidFieldsOf(answer);
  return [...new Set(fields.map((f) => f.field))].sort();
}
