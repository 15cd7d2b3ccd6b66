// Installs table capture at start (INTEGRATION.md section 3; docs/tables.md), in one transaction:
//   1. one installer at a time across instances starting together: a transaction advisory lock;
//   2. check each table-backed type's table (check-table.ts); a misfit rolls everything back;
//   3. the tables are locked against writers until commit (as creating their triggers would),
//      and the outside writes already logged are sequenced with the bindings they were made under,
//      so the reconcile below reads rows no logged write is still to change;
//   4. per table: its row in capture_tables and its triggers (dropped and created again, so a
//      restart is idempotent); a table new to capture, or whose binding changed, is reconciled:
//      its rows and the type's live mirror records are staged, and the commit-time flush writes
//      the difference (rows that existed before capture appear as sql inserts);
//   5. types that left the config, or moved to another table: their triggers are dropped and
//      their capture_tables row removed (their mirror records stay, like any type's).
import type { Db } from "../db/client";
import { engineOf, type Sql } from "../db/sql";
import { processSingleton } from "../process-singleton";
import type { ResourceType, TableBinding } from "../types/resource-type";
import { checkTable, tableSql, type CheckedTable } from "./check-table";
import { sequenceBatch } from "./sequence";

const LOCK = "SELECT pg_advisory_xact_lock(hashtext('syncdesk.capture.install'))";
const TRIGGERS = ["syncdesk_capture_insert", "syncdesk_capture_update", "syncdesk_capture_delete", "syncdesk_capture_truncate"];

type Installed = { type: string; table_name: string; key_column: string; key_type: string; stream_column: string; stream_prefix: string; columns: string[] | null };

declare module "../process-singleton" {
  interface ProcessSingletons { capturedTables: Map<string, CheckedTable> }
}

/**
 * The captured tables of this process, by type (write-table.ts reads them). Process-wide: Next
 * evaluates this module once per bundle chunk, and the routes' copies must see what start-up
 * installed.
 */
const checked = processSingleton("capturedTables", () => new Map<string, CheckedTable>());
export const capturedTable = (type: string): CheckedTable | undefined => checked.get(type);
/** Whether any type is table-backed in this process. */
export const anyCaptured = (): boolean => checked.size > 0;

export async function installCapture(db: Db, types: readonly ResourceType[], file: string): Promise<CheckedTable[]> {
  const bound = types.filter((t): t is ResourceType & { table: TableBinding } => t.table !== null);
  const tables = await engineOf(db).transaction(async (sql) => {
    // 1.
    await sql(LOCK);
    const installed = new Map((await sql<Installed>("SELECT * FROM capture_tables")).map((r) => [r.type, r]));
    // 2.
    const result: CheckedTable[] = [];
    for (const type of bound) result.push(await checkTable(sql, file, type));
    // 3.
    for (const table of result) await sql(`LOCK TABLE ${tableSql(table)} IN SHARE ROW EXCLUSIVE MODE`);
    while ((await sequenceBatch(sql, true)).transactions > 0);
    // 4.
    for (const table of result) {
      const before = installed.get(table.type);
      if (before && before.table_name !== table.name) await dropTriggers(sql, before.table_name);
      await createTriggers(sql, table);
      await sql(
        `INSERT INTO capture_tables (type, table_name, key_column, key_type, stream_column, stream_prefix, columns, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now())
         ON CONFLICT (type) DO UPDATE SET table_name = $2, key_column = $3, key_type = $4, stream_column = $5, stream_prefix = $6, columns = $7, updated_at = now()`,
        [table.type, table.name, table.key, table.keyType, table.streamColumn, table.streamPrefix, table.columns]);
      if (!before || changed(before, table)) await reconcile(sql, table);
    }
    // 5.
    for (const [type, row] of installed) {
      if (result.some((t) => t.type === type)) continue;
      await dropTriggers(sql, row.table_name);
      await sql("DELETE FROM capture_tables WHERE type = $1", [type]);
    }
    return result;
  });
  checked.clear();
  for (const table of tables) checked.set(table.type, table);
  return tables;
}

const changed = (row: Installed, table: CheckedTable) =>
  row.table_name !== table.name || row.key_column !== table.key || row.stream_column !== table.streamColumn
  || row.stream_prefix !== table.streamPrefix || (row.columns ?? []).join(",") !== table.columns.join(",");

// Identifiers were checked by the config's regexes and the catalog; format('%I') quotes them.
async function createTriggers(sql: Sql, t: CheckedTable): Promise<void> {
  await dropTriggers(sql, t.name);
  const [q] = await sql<{ table: string; type: string; key: string }>("SELECT to_regclass($1)::text AS table, quote_literal($2) AS type, quote_literal($3) AS key", [t.name, t.type, t.key]);
  if (!q) throw new Error(`table ${t.name} vanished while capture was installed`);
  const args = `${q.type}, ${q.key}`;
  await sql(`CREATE TRIGGER syncdesk_capture_insert AFTER INSERT ON ${q.table} REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION syncdesk_capture_stage(${args})`);
  await sql(`CREATE TRIGGER syncdesk_capture_update AFTER UPDATE ON ${q.table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION syncdesk_capture_stage(${args})`);
  await sql(`CREATE TRIGGER syncdesk_capture_delete AFTER DELETE ON ${q.table} REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION syncdesk_capture_stage(${args})`);
  await sql(`CREATE TRIGGER syncdesk_capture_truncate BEFORE TRUNCATE ON ${q.table}
    FOR EACH STATEMENT EXECUTE FUNCTION syncdesk_capture_refuse_truncate(${q.type})`);
}

async function dropTriggers(sql: Sql, table: string): Promise<void> {
  const [found] = await sql<{ name: string | null }>("SELECT to_regclass($1)::text AS name", [table]);
  if (!found?.name) return; // the team dropped the table: nothing left to remove
  for (const trigger of TRIGGERS) await sql(`DROP TRIGGER IF EXISTS ${trigger} ON ${found.name}`);
}

/** Stages every row of the table and every live mirror record of the type; the flush settles them. */
async function reconcile(sql: Sql, t: CheckedTable): Promise<void> {
  const [q] = await sql<{ table: string; key: string }>("SELECT to_regclass($1)::text AS table, quote_ident($2) AS key", [t.name, t.key]);
  if (!q) return;
  await sql(`INSERT INTO capture_pending (xid, type, id)
    SELECT txid_current(), $1, ${q.key}::text FROM ${q.table}
    UNION SELECT txid_current(), $1, id FROM records WHERE type = $1 AND NOT deleted
    UNION SELECT txid_current(), '', ''
    ON CONFLICT DO NOTHING`, [t.type]);
}
