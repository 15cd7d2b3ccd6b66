// (issue 17) Push throughput on a table-backed type against the same type kept as JSON records:
// the engine's push (applyPush, in this process, on the benchmark's database) of 100-item create
// bundles from 10 devices at once, alternating the two types each round. The table side also
// writes the team's table and runs its capture flush at commit (which finds nothing new).
import { randomUUID } from "node:crypto";
import path from "node:path";
import { installCapture } from "../../server/capture/install";
import { openDatabase } from "../../server/db/client";
import { ensureDevice } from "../../server/devices/register";
import { applyPush } from "../../server/sync/push";
import { loadConfigFile } from "../../server/types/load-config";
import { installTypes } from "../../server/types/registry";
import { summarize } from "../lib/stats";
import type { Ctx, Row } from "../lib/types";

const COLUMNS = "site text NOT NULL, score numeric NOT NULL, tags jsonb, visits integer, status text, note text";

export async function measureTablePush(ctx: Ctx): Promise<Row[]> {
  const rounds = ctx.cfg.quick ? 3 : 5;
  const bundles = ctx.cfg.quick ? 3 : 6;
  await ctx.admin.query(`CREATE TABLE bench_visits_push (id text PRIMARY KEY, owner_id text NOT NULL, ${COLUMNS})`);
  const [visit] = await loadConfigFile(path.join(ctx.root, "examples", "visit-table.config.json"));
  if (!visit?.table) throw new Error("examples/visit-table.config.json has no table-backed visit");
  const types = [
    { ...visit, name: "bench_table_visit", table: { ...visit.table, name: "bench_visits_push" } },
    { ...visit, name: "bench_json_visit", table: null },
  ];
  installTypes(types, "bench");
  const database = await openDatabase({ url: ctx.databaseUrl });
  try {
    await installCapture(database.prisma, types, "bench");
    const devices = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      ensureDevice(database.prisma, { userId: `tpush-${i}`, streams: [`user:tpush-${i}`] }, randomUUID())));
    let bundleId = 0;
    const round = async (type: string) => {
      const started = performance.now();
      await Promise.all(devices.map(async (device) => {
        for (let b = 0; b < bundles; b++) {
          const items = Array.from({ length: 100 }, (_, i) => ({
            type, action: "create" as const, data: { site: `site ${i}`, score: i / 4, tags: ["a", "b"], visits: i, status: "draft" },
          }));
          await applyPush(database.prisma, device, { device_id: device.deviceId, bundle_id: ++bundleId, items, mode: "partial" });
        }
      }));
      return (devices.length * bundles * 100) / ((performance.now() - started) / 1000);
    };
    await round("bench_json_visit");
    await round("bench_table_visit");
    const json: number[] = [];
    const table: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const side of r % 2 === 0 ? ["json", "table"] : ["table", "json"]) {
        (side === "json" ? json : table).push(await round(side === "json" ? "bench_json_visit" : "bench_table_visit"));
      }
      ctx.progress(`table push round ${r + 1}/${rounds}: ${json.at(-1)?.toFixed(0)} JSON vs ${table.at(-1)?.toFixed(0)} table items/s`);
    }
    return [{
      id: "table-push", name: "Push of 100-item bundles from 10 devices: table-backed type vs JSON type (engine, in process)",
      unit: "items/s", value: summarize(table), reference: summarize(json), referenceLabel: "same pushes of a JSON type",
      ratio: summarize(json.map((j, i) => j / (table[i] ?? NaN))), ratioLabel: "JSON / table", target: null,
    }];
  } finally {
    await database.close();
  }
}
