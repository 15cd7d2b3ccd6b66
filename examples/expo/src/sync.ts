// The app's one SyncClient: expo-sqlite storage, typed by the app's types (src/syncdesk-types.ts,
// written by `npm run types:generate` from the server's config), so `create("visit", …)` is
// checked against the visit's fields at compile time.
import { SyncClient } from "@syncdesk/client";
import { openExpoSqliteStorage } from "@syncdesk/client/expo-sqlite";
import * as SQLite from "expo-sqlite";
import type { SyncdeskTypes } from "./syncdesk-types";

export type AppClient = SyncClient<SyncdeskTypes>;

export async function openClient(url: string, token: () => Promise<string>): Promise<AppClient> {
  // A database file of the client's own: its transactions must not mix with the app's queries.
  const storage = await openExpoSqliteStorage(await SQLite.openDatabaseAsync("syncdesk.db"));
  return new SyncClient<SyncdeskTypes>({ url, token, storage, platform: "expo", appVersion: "0.1.0" });
}

export async function recordVisit(client: AppClient, site: string): Promise<string> {
  const key = await client.create("visit", { site, score: 0, tags: [], status: "draft" });
  void client.sync().catch(() => undefined); // offline is fine: the edit waits in the outbox
  return key.id;
}

export async function submitVisit(client: AppClient, id: string): Promise<void> {
  const visit = await client.get("visit", id);
  if (!visit) return;
  await client.update("visit", id, { ...visit.data, status: "submitted" });
}
