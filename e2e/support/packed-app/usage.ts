// Typechecked by e2e/api/client-package.spec.ts in a project outside the repository: the client
// takes the app's generated types (syncdesk-types.ts), so data of the wrong shape does not compile.
// The spec also checks this file with the directives removed: tsc must then name both fields.
import { MemoryStorage, SyncClient, type ViewRecord } from "@syncdesk/client";
import type { Memo, SyncdeskTypes } from "./syncdesk-types.js";

const client = new SyncClient<SyncdeskTypes>({ url: "http://localhost:3000", token: "jwt", storage: new MemoryStorage() });

export async function use(): Promise<ViewRecord<Memo>[]> {
  await client.create("memo", { content: "Buy milk", tags: [], pinned: false });
  // @ts-expect-error `pinned` is a boolean
  await client.create("memo", { content: "Buy milk", tags: [], pinned: "yes" });
  // @ts-expect-error `contnet` is not a field of memo
  await client.create("memo", { contnet: "Buy milk", tags: [], pinned: false });
  const memos = await client.list("memo");
  const pinned: boolean = memos[0]?.data.pinned ?? false;
  return pinned ? memos : [];
}
