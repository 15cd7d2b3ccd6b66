// A headless WatermelonDB app, as a React Native app would have it but on the LokiJS adapter in
// memory: a schema of two synced tables and `synchronize()` wired to our endpoints exactly as
// WatermelonDB's docs show (plus the bearer token and a JSON content type).
import { appSchema, Database, Model, tableSchema } from "@nozbe/watermelondb";
import type { TableSchemaSpec } from "@nozbe/watermelondb/Schema";
import LokiJSAdapter from "@nozbe/watermelondb/adapters/lokijs";
import { schemaMigrations } from "@nozbe/watermelondb/Schema/migrations";
import { synchronize } from "@nozbe/watermelondb/sync";
import logger from "@nozbe/watermelondb/utils/common/logger";
import { ZWatermelonPullResponse } from "@/server/watermelon/schemas";

logger.silence(); // its setup chatter; failures still throw

/** The demo app's synced tables (a test of another config passes its own). */
export const DEMO_TABLES: TableSchemaSpec[] = [
    {
      name: "memos",
      columns: [
        { name: "content", type: "string" },
        { name: "pinned", type: "boolean" },
        { name: "tags", type: "string" },
      ],
    },
    {
      name: "meters",
      columns: [
        { name: "code", type: "string" },
        { name: "reading", type: "number" },
        { name: "unit", type: "string" },
      ],
    },
];

/** A model class per table, as an app declares them. */
const modelOf = (table: string) => class extends Model {
  static table = table;
};

export type Row = Record<string, unknown> & { id: string };

export class WatermelonApp {
  readonly database: Database;

  constructor(name: string, private readonly url: string, private readonly jwt: string, tables: TableSchemaSpec[] = DEMO_TABLES) {
    // Node has no IndexedDB: the adapter falls back to an in-memory Loki database.
    const schema = appSchema({ version: 1, tables: tables.map((t) => tableSchema(t)) });
    const adapter = new LokiJSAdapter({ schema, migrations: schemaMigrations({ migrations: [] }), dbName: name, useWebWorker: false, useIncrementalIndexedDB: true });
    this.database = new Database({ adapter, modelClasses: tables.map((t) => modelOf(t.name)) });
  }

  async create(table: string, values: Record<string, string | number | boolean>): Promise<string> {
    return this.database.write(async () => {
      const record = await this.database.get(table).create((r) => {
        for (const [column, value] of Object.entries(values)) r._setRaw(column, value);
      });
      return record.id;
    });
  }

  async update(table: string, id: string, values: Record<string, string | number | boolean>): Promise<void> {
    await this.database.write(async () => {
      const record = await this.database.get(table).find(id);
      await record.update((r) => {
        for (const [column, value] of Object.entries(values)) r._setRaw(column, value);
      });
    });
  }

  async delete(table: string, id: string): Promise<void> {
    await this.database.write(async () => {
      await (await this.database.get(table).find(id)).markAsDeleted();
    });
  }

  /** The table's records as raw columns (no sync bookkeeping), by id. */
  async rows(table: string, columns: readonly string[]): Promise<Row[]> {
    const records = await this.database.get(table).query().fetch();
    return records
      .map((r) => ({ id: r.id, ...Object.fromEntries(columns.map((c) => [c, r._getRaw(c)])) }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async sync(): Promise<void> {
    const endpoint = `${this.url}/api/v1/watermelon/sync`;
    const authorization = `Bearer ${this.jwt}`;
    await synchronize({
      database: this.database,
      pullChanges: async ({ lastPulledAt, schemaVersion, migration }) => {
        const params = `last_pulled_at=${lastPulledAt}&schema_version=${schemaVersion}&migration=${encodeURIComponent(JSON.stringify(migration))}`;
        const response = await fetch(`${endpoint}?${params}`, { headers: { authorization } });
        if (!response.ok) throw new Error(await response.text());
        const { changes, timestamp } = ZWatermelonPullResponse.parse(await response.json());
        // The schema checked the shape; WatermelonDB's own change-set type is not ours to build.
        return { changes: changes as never, timestamp };
      },
      pushChanges: async ({ changes, lastPulledAt }) => {
        const response = await fetch(`${endpoint}?last_pulled_at=${lastPulledAt}`, {
          method: "POST",
          headers: { authorization, "content-type": "application/json" },
          body: JSON.stringify(changes),
        });
        if (!response.ok) throw new Error(await response.text());
      },
      migrationsEnabledAtVersion: 1,
      sendCreatedAsUpdated: true,
    });
  }
}
