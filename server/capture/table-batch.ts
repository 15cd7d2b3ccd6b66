// A push's table rows in one statement (docs/tables.md "Constraints"). Writing each item's row
// under its own savepoint costs three round trips and one staging per item; most pushes break no
// constraint of the team's table. So applyItems (server/sync/apply-items.ts) first applies the
// items in batch mode: the items only stage their records, then every staged row of a
// table-backed type is written in one statement per table. When the table refuses any of them,
// everything since the batch's savepoint is taken back and the items run again one by one, each
// row under its own savepoint (write-item.ts), so the refused item alone fails with invalid_data.
import type { Sql } from "../db/sql";
import type { TChangeSource } from "../feed/source";
import type { Bundle } from "../sync/bundle";
import type { RecordRow } from "../sync/records";
import { capturedTable } from "./install";
import { refusalOf } from "./table-refusal";
import { setTableSource, writeTableRows } from "./write-table";
import type { CheckedTable } from "./check-table";

/** Bundles whose items stage their rows for the batch instead of writing them (write-item.ts). */
const batching = new WeakSet<Bundle>();

export const isBatching = (bundle: Bundle) => batching.has(bundle);

/** Starts batch mode when some of `types` is table-backed (true); its savepoint is taken. */
export async function beginTableBatch(sql: Sql, bundle: Bundle, types: Iterable<string>): Promise<boolean> {
  if (![...types].some((t) => capturedTable(t))) return false;
  await sql("SAVEPOINT table_batch");
  batching.add(bundle);
  return true;
}

/**
 * Writes the batch's rows (one statement per table). True when the table took them all; false
 * when it refused one: the transaction is back at the batch's savepoint, the bundle discarded,
 * and the caller applies the items again one by one.
 */
export async function endTableBatch(sql: Sql, bundle: Bundle, source: TChangeSource): Promise<boolean> {
  batching.delete(bundle);
  const byTable = new Map<CheckedTable, RecordRow[]>();
  for (const record of bundle.stagedRecords()) {
    const table = capturedTable(record.type);
    if (table) byTable.set(table, [...(byTable.get(table) ?? []), record]);
  }
  if (byTable.size > 0) await setTableSource(sql, source, bundle.batchId);
  try {
    for (const [table, rows] of byTable) await writeTableRows(sql, table, rows);
  } catch (error) {
    if (![...byTable.keys()].some((table) => refusalOf(table, error))) throw error;
    await sql("ROLLBACK TO SAVEPOINT table_batch");
    bundle.discard();
    return false;
  }
  await sql("RELEASE SAVEPOINT table_batch");
  for (const rows of byTable.values()) for (const row of rows) bundle.tableWritten(row);
  return true;
}
