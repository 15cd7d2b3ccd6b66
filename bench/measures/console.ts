// (6) Console: the conflict inbox and the sync batch list, called through their domain functions
// (server/conflicts/console-list.ts, server/batches/list.ts) on a database with 100 rows and on
// one with 100k rows, interleaved. Each call asks for the first page of 50, unfiltered and with
// the filter a person uses most; the ratio is large / small latency.
import type pg from "pg";
import { listBatches } from "../../server/batches/list";
import { listConflictsForConsole } from "../../server/conflicts/console-list";
import { measureSmallVsLarge, type TimedQuery } from "../lib/small-vs-large";
import type { Ctx, Row } from "../lib/types";

const DEVICES = 100;

/** `conflicts` conflicts and `batches` sync batches over 100 devices, spread over 30 days. */
async function seedConsole(db: pg.Pool, count: number): Promise<void> {
  await db.query(
    `INSERT INTO devices (id, user_id, device_id, streams)
     SELECT md5('console-dev-' || g)::uuid, 'console-' || g, 'console-' || g || '-phone', ARRAY['user:console-' || g]
     FROM generate_series(1, ${DEVICES}) g ON CONFLICT DO NOTHING`,
  );
  await db.query(
    `INSERT INTO conflicts (id, stream, type, record_id, user_id, device_ref, batch_id, item_index, policy, status, fields,
       base_version, server_version, base_data, server_data, client_data, client_action, server_deleted, created_at)
     SELECT gen_random_uuid(), 'user:console-' || (g % ${DEVICES} + 1), (ARRAY['meter','submission','memo'])[g % 3 + 1], 'rec-' || g,
       'console-' || (g % ${DEVICES} + 1), md5('console-dev-' || (g % ${DEVICES} + 1))::uuid, gen_random_uuid(), g % 100,
       (ARRAY['manual','merge','lww'])[g % 3 + 1], CASE WHEN g % 10 < 7 THEN 'open' ELSE 'resolved' END, ARRAY['reading'],
       1, 2, '{"reading": 1}', '{"reading": 2}', '{"reading": 3}', 'update', false,
       now() - (g * interval '30 days' / $1::int)
     FROM generate_series(1, $1::int) g`,
    [count],
  );
  await db.query(
    `INSERT INTO sync_batches (id, user_id, device_ref, bundle_id, request_hash, request, response, mode, status,
       item_count, ok_count, error_count, conflict_count, created_at)
     SELECT gen_random_uuid(), 'console-' || (g % ${DEVICES} + 1), md5('console-dev-' || (g % ${DEVICES} + 1))::uuid, 1000000 + g,
       md5(g::text), '{"items": []}', '{"results": []}', 'partial',
       (ARRAY['applied','applied','applied','partial','rejected'])[g % 5 + 1], 10, 9, 1, 0,
       now() - (g * interval '30 days' / $1::int)
     FROM generate_series(1, $1::int) g`,
    [count],
  );
  await db.query("ANALYZE conflicts; ANALYZE sync_batches; ANALYZE devices");
}


const QUERIES: TimedQuery[] = [
  { id: "console-conflicts", name: "conflict inbox (open, first page of 50)", run: (db) => listConflictsForConsole(db, { status: "open", limit: 50 }) },
  { id: "console-conflicts-type", name: "conflict inbox filtered by type", run: (db) => listConflictsForConsole(db, { status: "open", type: "meter", limit: 50 }) },
  { id: "console-batches", name: "sync batches (first page of 50)", run: (db) => listBatches(db, {}, { limit: 50 }) },
  { id: "console-batches-status", name: "sync batches filtered by status", run: (db) => listBatches(db, { status: "rejected" }, { limit: 50 }) },
];

export function measureConsole(ctx: Ctx, runId: string): Promise<Row[]> {
  const { small, large, calls, rounds } = ctx.cfg.console;
  return measureSmallVsLarge(ctx, runId, {
    label: "console", dbSuffix: "con", small, large, calls, rounds, seed: seedConsole,
    seeding: "conflicts and batches", queries: QUERIES, smallLabel: `${small} rows`,
    rowName: (q) => `Console: ${q.name}, ${large / 1000}k vs ${small} rows`,
  });
}
