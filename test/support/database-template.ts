// Vitest global setup of the integration tiers: migrates one database per run and hands its name
// to the workers, so each test starts from a copy instead of migrating its own (migrating and,
// on PGlite, initdb in WASM dominated the tiers' time). Built fresh every run and removed at the
// end: no test depends on anything a previous run left behind.
import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { TestProject } from "vitest/node";
import { migrate, readMigrations } from "@/server/db/migrator";
import { sessionFromPglite } from "@/server/db/sql-session";
import { MIGRATIONS_DIR, openDatabase } from "@/server/db/client";
import { createPgDatabase, testDbEngine } from "./database";

declare module "vitest" {
  export interface ProvidedContext {
    /** PostgreSQL: the migrated template database each test database is created from. */
    pgTemplateDatabase?: string;
    /** PGlite: a dump of a migrated data directory each test database is loaded from. */
    pgliteTemplateFile?: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (testDbEngine(project.config.env) === "postgres") {
    const template = await createPgDatabase("syncdesk_tpl");
    const database = await openDatabase({ url: template.url });
    await database.close();
    project.provide("pgTemplateDatabase", template.name);
    return () => template.drop();
  }
  const pglite = await PGlite.create();
  await migrate(sessionFromPglite(pglite), readMigrations(MIGRATIONS_DIR));
  const dump = await pglite.dumpDataDir("none");
  await pglite.close();
  const file = path.join(os.tmpdir(), `syncdesk_tpl_${randomBytes(8).toString("hex")}.tar`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide("pgliteTemplateFile", file);
  return async () => rmSync(file, { force: true });
}
