// A device's item of a table-backed type writes the team's table when it is applied, under its
// own savepoint: a row the table refuses (a CHECK, a foreign key, a NOT NULL or unique column the
// schema does not require, a value out of the column's range) fails that item alone, with
// `invalid_data` naming the constraint, and the push goes on (docs/tables.md "Constraints").
// Items of other types never come here: they pay nothing. The bundle is told the row is written,
// so its close() does not write it again (bundle.ts).
import type { Sql } from "../db/sql";
import type { TChangeSource } from "../feed/source";
import type { Bundle } from "../sync/bundle";
import { ItemError } from "../sync/item-error";
import { capturedTable } from "./install";
import { setTableSource, writeTables, type TableRow } from "./write-table";

// SQLSTATE classes a row's data can cause: 23 integrity constraints, 22 data exceptions.
const DATA_ERROR = /^2[23]/;

/** Bundles whose transaction has its table source set (an atomic rollback discards the bundle). */
const sourceSet = new WeakSet<Bundle>();

type PgError = Error & { code?: string; constraint?: string; column?: string; table?: string };

/** Writes one item's row to its table (when its type is table-backed), or throws its ItemError. */
export async function writeTableItem(sql: Sql, bundle: Bundle, row: TableRow, source: TChangeSource): Promise<void> {
  const table = capturedTable(row.type);
  if (!table) return;
  // Once per bundle, outside the item's savepoint (rolling it back would undo the setting).
  if (!sourceSet.has(bundle)) {
    await setTableSource(sql, source, bundle.batchId);
    sourceSet.add(bundle);
  }
  await sql("SAVEPOINT table_item");
  try {
    await writeTables(sql, [row], null, bundle.batchId);
  } catch (error) {
    const pg = error as PgError;
    if (typeof pg.code !== "string" || !DATA_ERROR.test(pg.code)) throw error;
    await sql("ROLLBACK TO SAVEPOINT table_item");
    const constraint = pg.constraint ? ` (constraint ${pg.constraint})` : "";
    const message = `${table.name} refused the row: ${pg.message}${constraint}`;
    throw new ItemError("invalid_data", message, [{ field: pg.column ?? pg.constraint ?? table.name, message }]);
  }
  await sql("RELEASE SAVEPOINT table_item");
  bundle.tableWritten(row);
}
