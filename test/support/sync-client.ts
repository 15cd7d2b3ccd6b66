// The protocol walks a device makes, over real HTTP: push a bundle, bootstrap every page, pull until
// `more` is false. Any answer other than 200 throws, so a test cannot mistake an error for data.
import type { z } from "zod";
import { ZBootstrapResponse, ZPullResponse, ZPushResponse, type TBootstrapResponse, type TPullResponse, type TPushItem, type TRecord } from "@syncdesk/protocol";
import type { Answer, TestDevice } from "./device";

type BootstrapPage = TBootstrapResponse;
type PullPage = TPullResponse;

const MAX_PAGES = 10_000;

/** The body of a 200 answer, parsed with the route's wire schema. */
export function okBody<S extends z.ZodType>(answer: Answer, schema: S, what: string): z.output<S> {
  if (answer.status !== 200) throw new Error(`${what} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return schema.parse(answer.body);
}

export const memo = (content: string) => ({ content, tags: [], pinned: false });

/** `count` memo creates with ids `${prefix}-0`.., in `stream` (default the user's own). */
export function memoCreates(count: number, prefix: string, stream?: string): TPushItem[] {
  return Array.from({ length: count }, (_, i) => ({
    type: "memo",
    id: `${prefix}-${i}`,
    action: "create" as const,
    data: memo(`${prefix} ${i}`),
    ...(stream ? { stream } : {}),
  }));
}

export async function push(device: TestDevice, bundleId: number, items: TPushItem[], mode?: "partial" | "atomic") {
  const body = { device_id: device.deviceId, bundle_id: bundleId, items, ...(mode ? { mode } : {}) };
  return okBody(await device.call("POST", "/api/v1/sync/push", body), ZPushResponse, "push");
}

/** Every bootstrap page; `onPage` runs after each page (e.g. to write concurrently). */
export async function bootstrapAll(
  device: TestDevice,
  options: { limit?: number; types?: string[] } = {},
  onPage: (page: BootstrapPage, index: number) => Promise<void> = async () => {},
): Promise<{ pages: TRecord[][]; token: string }> {
  const pages: TRecord[][] = [];
  let cursor: string | undefined;
  for (let index = 0; index < MAX_PAGES; index++) {
    const body = { device_id: device.deviceId, ...options, ...(cursor ? { cursor } : {}) };
    const page = okBody(await device.call("POST", "/api/v1/sync/bootstrap", body), ZBootstrapResponse, "bootstrap");
    pages.push(page.items);
    await onPage(page, index);
    if (!page.more) {
      if (!page.token || page.cursor !== null) throw new Error("the last bootstrap page must carry a token and no cursor");
      return { pages, token: page.token };
    }
    if (!page.cursor || page.token !== null) throw new Error("a bootstrap page with more must carry a cursor and no token");
    cursor = page.cursor;
  }
  throw new Error(`bootstrap did not end within ${MAX_PAGES} pages`);
}

/** The pull token of a device that has nothing yet: an empty bootstrap's last page. */
export async function freshToken(device: TestDevice): Promise<string> {
  return (await bootstrapAll(device)).token;
}

/** Pulls from `token` until `more` is false; returns every page and the final token. */
export async function pullAll(device: TestDevice, token: string, limit?: number): Promise<{ pages: PullPage[]; token: string }> {
  const pages: PullPage[] = [];
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await pullPage(device, token, limit);
    pages.push(page);
    token = page.token;
    if (!page.more) return { pages, token };
  }
  throw new Error(`pull did not end within ${MAX_PAGES} pages`);
}

export async function pullPage(device: TestDevice, token: string, limit?: number): Promise<PullPage> {
  const body = { token, ...(limit === undefined ? {} : { limit }) };
  return okBody(await device.call("POST", "/api/v1/sync/pull", body), ZPullResponse, "pull");
}
