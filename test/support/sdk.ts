// SDK clients for tests: a SyncClient of a user against the test server, retrying without waiting
// (the retries still happen; only the backoff sleeps are skipped), and its records summarized the
// way test/support/replica.ts summarizes the server's.
import { randomUUID } from "node:crypto";
import { mintDeviceJwt } from "@/server/http/dev-token";
import { checksumOf } from "@/server/sync/canonical";
import { SyncClient, type SyncClientOptions } from "@syncdesk/client";
import { MemoryStorage } from "@syncdesk/client";
import { keyOf, type RowSummary } from "./replica";
import { TEST_JWT_SECRET } from "./server";

export type ClientOptions = Partial<SyncClientOptions> & { streams?: string[] };

export async function makeClient(url: string, userId: string, options: ClientOptions = {}): Promise<SyncClient> {
  const { streams, ...rest } = options;
  const jwt = await mintDeviceJwt({ userId, streams, secret: TEST_JWT_SECRET });
  return new SyncClient({
    url,
    token: jwt,
    storage: new MemoryStorage(),
    deviceId: randomUUID(),
    retry: { attempts: 8, baseMs: 1, maxMs: 1 },
    sleep: async () => {},
    ...rest,
  });
}

/** The client's visible records as key, version and checksum, in key order (pending edits too). */
export async function clientSummary(client: SyncClient): Promise<RowSummary[]> {
  const rows = await client.list();
  return rows
    .map((r) => ({ key: keyOf(r), version: r.version, checksum: checksumOf(r.data) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
