// What the team's table says when it refuses a row Syncdesk writes (a CHECK, a foreign key, a NOT
// NULL or unique column the schema does not require, a value the column cannot hold): SQLSTATE
// classes 23 (integrity constraints) and 22 (data exceptions). A device's item turns it into the
// item error invalid_data (write-item.ts); a resolution or a restore into a 400 (write-table.ts).
import type { CheckedTable } from "./check-table";

const DATA_ERROR = /^2[23]/;

type PgError = Error & { code?: string; constraint?: string; column?: string };

export type TableRefusal = { message: string; field: string };

/** The refusal an error of a row write is, or null when it is something else (rethrow it). */
export function refusalOf(table: CheckedTable, error: unknown): TableRefusal | null {
  const pg = error as PgError;
  if (!(error instanceof Error) || typeof pg.code !== "string" || !DATA_ERROR.test(pg.code)) return null;
  const constraint = pg.constraint ? ` (constraint ${pg.constraint})` : "";
  return { message: `${table.name} refused the row: ${pg.message}${constraint}`, field: pg.column ?? pg.constraint ?? table.name };
}
