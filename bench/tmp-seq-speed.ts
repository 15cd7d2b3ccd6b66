import path from "node:path";
import pg from "pg";
import { installCapture } from "/work/main/server/capture/install";
import { drainCaptured } from "/work/main/server/capture/sequence";
import { openDatabase } from "/work/main/server/db/client";
import { loadConfigFile } from "/work/main/server/types/load-config";
const url = "postgres://postgres@127.0.0.1:5432/seqspeed";
const admin = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
await admin.connect();
await admin.query("DROP DATABASE IF EXISTS seqspeed");
await admin.query("CREATE DATABASE seqspeed");
await admin.end();
const db = await openDatabase({ url });
const pool = new pg.Pool({ connectionString: url, max: 10 });
await pool.query("CREATE TABLE visits (id text PRIMARY KEY, owner_id text NOT NULL, site text NOT NULL, score numeric NOT NULL, tags jsonb, visits integer, status text, note text)");
const types = await loadConfigFile(path.join("/work/main/examples/visit-table.config.json"));
await installCapture(db.prisma, types, "x");
for (const per of [1, 100]) {
  const rows = per === 1 ? 5000 : 50000;
  let next = 0;
  await Promise.all(Array.from({ length: 10 }, async () => {
    while (next < rows) {
      const first = next; next += per;
      const values = Array.from({ length: per }, (_, i) => `('p${per}-${first + i}', 'owner-${(first + i) % 50}', 'site', ${(first + i) % 97}, '["a","b"]', 1, 'draft', 'n')`);
      await pool.query(`INSERT INTO visits (id, owner_id, site, score, tags, visits, status, note) VALUES ${values.join(", ")}`);
    }
  }));
  const t = performance.now();
  await drainCaptured(db.prisma);
  const s = (performance.now() - t) / 1000;
  console.log(`${per}-row statements: ${rows} rows sequenced in ${s.toFixed(2)} s = ${(rows / s).toFixed(0)} rows/s`);
}
await pool.end(); await db.close();
