// A device's item of a table-backed type (when the push's batch of rows was refused as a whole:
// table-batch.ts) writes the team's table when it is applied, under its own savepoint: a row the table refuses (a CHECK, a foreign key, a NOT NULL or unique column the
// schema does not require, a value out of the column's range, a deferred constraint, which
// writeTableRows checks at the statement) fails that item alone, with `invalid_data` naming the
// constraint, and the push goes on (docs/tables.md "Constraints"). Items of other types never
// come here: they pay nothing. The bundle is told the row is written, so its close() does not
// write it again (bundle.ts).
import type { Sql } from "../db/sql";
import type { TChangeSource } from "../feed/source";
import type { Bundle } from "../sync/bundle";
import { ItemError } from "../sync/item-error";
import { capturedTable } from "./install";
import { isBatching } from "./table-batch";
import { refusalOf } from "./table-refusal";
import { setTableSource, writeTableRows, type TableRow } from "./write-table";

/** Bundles whose transaction has its table source set (an atomic rollback discards the bundle). */
const sourceSet = new WeakSet<Bundle>();

/** Writes one item's row to its table (when its type is table-backed), or throws its ItemError. */
export async function writeTableItem(sql: Sql, bundle: Bundle, row: TableRow, source: TChangeSource): Promise<void> {
  const table = capturedTable(row.type);
  // Batch mode: the row is written with the others after the loop (table-batch.ts).
  if (!table || isBatching(bundle)) return;
  // Once per bundle, outside the item's savepoint (rolling it back would undo the setting).
  if (!sourceSet.has(bundle)) {
    await setTableSource(sql, source, bundle.batchId);
    sourceSet.add(bundle);
  }
  await sql("SAVEPOINT table_item");
  try {
    await writeTableRows(sql, table, [row]);
  } catch (error) {
    const refusal = refusalOf(table, error);
    if (!refusal) throw error;
    // Also takes back a SET CONSTRAINTS ... IMMEDIATE the failed write left.
    await sql("ROLLBACK TO SAVEPOINT table_item");
    throw new ItemError("invalid_data", refusal.message, [refusal]);
  }
  await sql("RELEASE SAVEPOINT table_item");
  bundle.tableWritten(row);
}
