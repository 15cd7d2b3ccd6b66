// A device's verify-and-repair walk (docs/protocol.md "Verify"), as an app would write it: keep
// records by key, send them page by page in key order, apply what each page reports.
import { compareKeys } from "@/server/sync/key-range";
import { digestOf } from "@/server/sync/digest";
import { ZVerifyResponse, type TRecord, type TRecordKey, type TVerifyItem, type TVerifyResponse } from "@syncdesk/protocol";
import type { TestDevice } from "./device";
import { okBody } from "./sync-client";

export type LocalRecord = TRecordKey & { data: Record<string, unknown>; checksum: string };

export const localKey = (k: TRecordKey) => `${k.stream}/${k.type}/${k.id}`;

export class LocalStore {
  readonly records = new Map<string, LocalRecord>();

  put(record: LocalRecord | TRecord): void {
    const { stream, type, id, data, checksum } = record;
    this.records.set(localKey(record), { stream, type, id, data, checksum });
  }

  remove(key: TRecordKey): void {
    this.records.delete(localKey(key));
  }

  sorted(): LocalRecord[] {
    return [...this.records.values()].sort(compareKeys);
  }

  digest(): string {
    return digestOf(this.records.values());
  }
}

export type VerifyPage = TVerifyResponse & { sent: number };

/** Verifies the whole store page by page, applying each page's answer; returns every page. */
export async function repairWithVerify(device: TestDevice, store: LocalStore, limit: number, types?: string[]): Promise<VerifyPage[]> {
  const pages: VerifyPage[] = [];
  let cursor: string | undefined;
  let after: TRecordKey | null = null;
  for (let i = 0; i < 10_000; i++) {
    const from: TRecordKey | null = after;
    const items: TVerifyItem[] = store.sorted()
      .filter((r) => !types || types.includes(r.type))
      .filter((r) => from === null || compareKeys(r, from) > 0)
      .slice(0, limit)
      .map(({ stream, type, id, checksum }) => ({ stream, type, id, checksum }));
    const body = { device_id: device.deviceId, items, limit, ...(types ? { types } : {}), ...(cursor ? { cursor } : {}) };
    const page: TVerifyResponse = okBody(await device.call("POST", "/api/v1/sync/verify", body), ZVerifyResponse, "verify");
    pages.push({ ...page, sent: items.length });
    for (const record of [...page.changed, ...page.missing]) store.put(record);
    for (const key of page.deleted) store.remove(key);
    if (!page.more) return pages;
    if (!page.cursor || !page.until) throw new Error("a verify page with more must carry cursor and until");
    cursor = page.cursor;
    after = page.until;
  }
  throw new Error("verify did not end");
}
