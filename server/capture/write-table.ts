// Syncdesk's own writes of table-backed types (INTEGRATION.md section 3: "Device pushes write the
// team's table inside the push transaction"). Every writer stages its records in a bundle
// (server/sync/bundle.ts), whose close() calls writeTables before it writes the mirror: the rows
// go to the team's table, the capture triggers stage them, and the commit-time flush finds the
// mirror already equal and emits nothing more, so each write lands exactly once. Any difference
// the table introduces (a trigger of the team's, a column default) is emitted by the flush as a
// further change, attributed to the bundle's source, which is set here for the transaction.
import type { Sql } from "../db/sql";
import { invalidFields } from "../errors";
import type { TChangeSource } from "../feed/source";
import type { RecordKey, RecordRow } from "../sync/records";
import { quoteIdent, tableSql, type CheckedTable } from "./check-table";

import { capturedTable } from "./install";
import { CaptureBehind } from "./capture-behind";
import { refusalOf } from "./table-refusal";


export type TableRow = Pick<RecordRow, "stream" | "type" | "id" | "data" | "deleted">;

/** The source the capture flush attributes this transaction's table writes to. */
export async function setTableSource(sql: Sql, source: TChangeSource, batchId: string | null): Promise<void> {
  await sql("SELECT set_config('syncdesk.source', $1, true), set_config('syncdesk.batch_id', $2, true)", [`${source.kind}:${source.id}`, batchId ?? ""]);
}

/**
 * Writes the staged records of table-backed types into their tables (after setting `source`, if
 * given). A row the table refuses is a 400 naming the constraint (the caller's transaction then
 * writes nothing): a resolution or a restore the team's constraints forbid is the caller's error.
 */
export async function writeTables(sql: Sql, records: Iterable<TableRow>, source: TChangeSource | null, batchId: string | null): Promise<void> {
  const byType = new Map<CheckedTable, TableRow[]>();
  for (const record of records) {
    const table = capturedTable(record.type);
    if (!table) continue;
    const rows = byType.get(table);
    if (rows) rows.push(record);
    else byType.set(table, [record]);
  }
  if (byType.size === 0) return;
  if (source) await setTableSource(sql, source, batchId);
  for (const [table, rows] of byType) {
    try {
      await writeTableRows(sql, table, rows);
    } catch (error) {
      const refusal = refusalOf(table, error);
      if (!refusal) throw error;
      throw invalidFields([refusal], refusal.message);
    }
  }
}

/**
 * Writes rows of one table. Its deferred constraints are checked by these statements (set
 * IMMEDIATE around them, back to DEFERRED after), so a refusal names the row being written
 * instead of failing the whole transaction at commit (check-table.ts `deferred`).
 */
export async function writeTableRows(sql: Sql, table: CheckedTable, rows: readonly TableRow[]): Promise<void> {
  const asRow = (r: TableRow) => {
    if (!r.stream.startsWith(table.streamPrefix)) throw new Error(`stream ${r.stream} is not a stream of type ${r.type}`);
    return { ...r.data, [table.key]: r.id, [table.streamColumn]: r.stream.slice(table.streamPrefix.length) };
  };
  const upserts = rows.filter((r) => !r.deleted).map(asRow);
  const deletes = rows.filter((r) => r.deleted).map(asRow);
  const name = tableSql(table);
  const key = quoteIdent(table.key);
  const stream = quoteIdent(table.streamColumn);
  const deferred = table.deferred.join(", ");
  if (deferred) await sql(`SET CONSTRAINTS ${deferred} IMMEDIATE`);
  if (upserts.length > 0) {
    const columns = [key, stream, ...table.columns.map(quoteIdent)];
    // A row of another stream is never taken over (apply-item.ts refuses such an id first).
    await sql(
      `INSERT INTO ${name} (${columns.join(", ")}) SELECT ${columns.join(", ")} FROM jsonb_populate_recordset(NULL::${name}, $1::jsonb)
       ON CONFLICT (${key}) DO UPDATE SET ${columns.slice(1).map((c) => `${c} = EXCLUDED.${c}`).join(", ")}
       WHERE ${name}.${stream} = EXCLUDED.${stream}`,
      [JSON.stringify(upserts)]);
  }
  if (deletes.length > 0) {
    await sql(`DELETE FROM ${name} t USING jsonb_populate_recordset(NULL::${name}, $1::jsonb) x WHERE t.${key} = x.${key}`, [JSON.stringify(deletes)]);
  }
  if (deferred) await sql(`SET CONSTRAINTS ${deferred} DEFERRED`);
  await refuseIfLogged(sql, table, rows.map((r) => r.id));
}

/**
 * The rows were just written or locked (an upsert that found another stream's row locks it and
 * writes nothing, so the commit-time flush never hears of it): an outside write to any of them
 * still in capture_log means the caller decided on a mirror that was behind, and must run again
 * once the sequencer has taken it (commit-bundle.ts). Outside writes committed later wait for
 * these row locks.
 */
async function refuseIfLogged(sql: Sql, table: CheckedTable, ids: string[]): Promise<void> {
  const [logged] = await sql(
    `SELECT 1 FROM capture_log l WHERE l.type = $1 AND l.xid <> txid_current()
       AND (l.gone && $2::text[] OR EXISTS (SELECT 1 FROM jsonb_array_elements(l.rows) r WHERE r ->> $3 = ANY($2::text[]))) LIMIT 1`,
    [table.type, ids, table.key]);
  if (logged) throw new CaptureBehind();
}

/**
 * Locks the table rows a push names before its bundle locks stream heads: an outside writer holds
 * its row locks before its flush takes the heads, so taking them in the same order keeps a push
 * and a psql session editing the same row from deadlocking.
 */
export async function lockTableRows(sql: Sql, keys: readonly RecordKey[]): Promise<void> {
  const byTable = new Map<CheckedTable, string[]>();
  for (const k of keys) {
    const table = capturedTable(k.type);
    if (table && keyProblem(table, k.id) === null) byTable.set(table, [...(byTable.get(table) ?? []), k.id]);
  }
  for (const [table, ids] of byTable) {
    const key = quoteIdent(table.key);
    await sql(`SELECT 1 FROM ${tableSql(table)} WHERE ${key} = ANY($1::text[]::${table.keyType}[]) ORDER BY ${key} FOR UPDATE`, [ids]);
  }
}

const INTEGER = /^-?\d{1,18}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Why an id cannot be a key of the table (null when it can). */
export function keyProblem(table: CheckedTable, id: string): string | null {
  if (["integer", "bigint", "smallint"].includes(table.keyType) && !INTEGER.test(id)) return `id ${id} is not an integer (the key of ${table.name})`;
  if (table.keyType === "uuid" && !UUID.test(id)) return `id ${id} is not a UUID (the key of ${table.name})`;
  return null;
}

/** Why an item of a table-backed type cannot be written to `key` (null when it can). */
export async function tableItemProblem(sql: Sql, key: RecordKey, isNew: boolean): Promise<string | null> {
  const table = capturedTable(key.type);
  if (!table) return null;
  if (!key.stream.startsWith(table.streamPrefix)) return `type ${key.type} lives in streams ${table.streamPrefix}*`;
  const bad = keyProblem(table, key.id);
  if (bad || !isNew) return bad;
  const [other] = await sql("SELECT 1 FROM records WHERE type = $1 AND id = $2 AND stream <> $3 AND NOT deleted LIMIT 1", [key.type, key.id, key.stream]);
  return other ? `id ${key.id} is already a ${key.type} of another stream` : null;
}
