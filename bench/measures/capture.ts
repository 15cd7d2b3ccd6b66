// (issue 17) The cost of table capture: rows per second written by plain SQL into a captured
// team table against the same table without capture, both at the client concurrency of the
// server's pool (10 connections). Single-row autocommit INSERTs are capture's worst case (one
// staged log row per row); 100-row INSERTs stage one log row per statement too. Rounds alternate
// the tables. Target: capture costs at most 2x a plain write (plain / captured rows/s <= 2).
// The sequencer runs meanwhile, as on a started server (one instance): in a process of its own
// (bench/lib/capture-sequencer.ts), as a team's writers never share Syncdesk's event loop, but on
// the same 2 cores: it is part of what the writers compete with. The "sequenced" rows measure
// until every captured row is a change: the writers' time plus what the sequencer still had to do
// when they finished.
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { installCapture } from "../../server/capture/install";
import { drainCaptured } from "../../server/capture/sequence";
import { openDatabase } from "../../server/db/client";
import { loadConfigFile } from "../../server/types/load-config";
import { summarize } from "../lib/stats";
import type { Ctx, Row } from "../lib/types";

const COLUMNS = "site text NOT NULL, score numeric NOT NULL, tags jsonb, visits integer, status text, note text";
const STREAMS = 50;

type Side = "plain" | "captured";

async function writeRows(ctx: Ctx, side: Side, rows: number, perStatement: number, prefix: string): Promise<number> {
  const table = side === "captured" ? "bench_visits_captured" : "bench_visits_plain";
  const workers = 10;
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next < rows) {
      const first = next;
      next += perStatement;
      const values = Array.from({ length: perStatement }, (_, i) => `('${prefix}-${first + i}', 'owner-${(first + i) % STREAMS}', 'site', ${(first + i) % 97}, '["a","b"]', 1, 'draft', 'n')`);
      await ctx.rawPool.query(`INSERT INTO ${table} (id, owner_id, site, score, tags, visits, status, note) VALUES ${values.join(", ")}`);
    }
  }));
  return rows / ((performance.now() - started) / 1000);
}

export async function measureCapture(ctx: Ctx): Promise<Row[]> {
  const rows = ctx.cfg.quick ? 2000 : 10_000;
  const rounds = ctx.cfg.quick ? 3 : 5;
  for (const table of ["bench_visits_plain", "bench_visits_captured"]) {
    await ctx.admin.query(`CREATE TABLE ${table} (id text PRIMARY KEY, owner_id text NOT NULL, ${COLUMNS})`);
  }
  const config = await loadConfigFile(path.join(ctx.root, "examples", "visit-table.config.json"));
  const types = config.map((t) => ({ ...t, name: "bench_visit", table: t.table && { ...t.table, name: "bench_visits_captured" } }));
  const database = await openDatabase({ url: ctx.databaseUrl });
  let sequencer: ChildProcess | undefined;
  try {
    await installCapture(database.prisma, types, "bench");
    sequencer = fork(path.join(ctx.root, "bench", "lib", "capture-sequencer.ts"), [ctx.databaseUrl], { execArgv: process.execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const exited = once(sequencer, "exit").then(([code]) => { throw new Error(`capture: the sequencer process exited (${String(code)}) before it was ready`); });
    await Promise.race([once(sequencer, "message"), exited]);
    exited.catch(() => undefined);
    const result: Row[] = [];
    for (const perStatement of [1, 100]) {
      const plain: number[] = [];
      const captured: number[] = [];
      const sequenced: number[] = [];
      for (let r = 0; r < rounds; r++) {
        for (const side of r % 2 === 0 ? ["plain", "captured"] as const : ["captured", "plain"] as const) {
          const started = performance.now();
          const rate = await writeRows(ctx, side, rows, perStatement, `r${perStatement}-${r}-${side}`);
          if (side === "plain") {
            plain.push(rate);
            continue;
          }
          captured.push(rate);
          await drainCaptured(database.prisma);
          sequenced.push(rows / ((performance.now() - started) / 1000));
        }
        ctx.progress(`capture (${perStatement} per INSERT) round ${r + 1}/${rounds}: ${plain.at(-1)?.toFixed(0)} plain, ${captured.at(-1)?.toFixed(0)} captured rows/s (${sequenced.at(-1)?.toFixed(0)} rows/s until all were changes)`);
      }
      const label = `${perStatement} row${perStatement > 1 ? "s" : ""}`;
      result.push({
        id: `capture-${perStatement}`, name: `Table capture: plain SQL INSERTs of ${label}, captured vs plain table`,
        unit: "rows/s", value: summarize(captured), reference: summarize(plain), referenceLabel: "same INSERTs, table without capture",
        ratio: summarize(plain.map((p, i) => p / (captured[i] ?? NaN))), ratioLabel: "plain / captured", target: { op: "<=", value: 2 },
        notes: "the writer stages one capture_log row per statement; the sequencer (one instance) makes the changes after commit, on the same cores",
      }, {
        id: `capture-${perStatement}-sequenced`, name: `Table capture: INSERTs of ${label} until every row is a change, vs plain table`,
        unit: "rows/s", value: summarize(sequenced), reference: summarize(plain), referenceLabel: "same INSERTs, table without capture",
        ratio: summarize(plain.map((p, i) => p / (sequenced[i] ?? NaN))), ratioLabel: "plain / sequenced", target: null,
        notes: "writers' time plus the sequencer's backlog when they finished: each row also gets its change, mirror record, head and feed event",
      });
    }
    return result;
  } finally {
    if (sequencer?.connected) {
      sequencer.send({ type: "stop" });
      await once(sequencer, "exit");
    }
    await database.close();
  }
}
