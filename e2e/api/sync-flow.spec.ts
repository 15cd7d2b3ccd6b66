// The round trip every app relies on, over real HTTP: a new install bootstraps, pushes a memo
// created offline, and pulls it back from its token; a retried push applies nothing twice.
import { randomUUID } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import { ZBootstrapResponse, ZPullResponse, ZPushResponse, ZErrorBody } from "@syncdesk/protocol";
import { expect, test } from "../support/fixtures";

async function post(request: APIRequestContext, path: string, jwt: string, body: unknown) {
  return request.post(path, { headers: { authorization: `Bearer ${jwt}` }, data: body });
}

test.describe("sync round trip", () => {
  test("a pushed memo comes back on pull, once", async ({ request, device }) => {
    const { userId, deviceId, jwt } = device;

    // 1. A new install hydrates: the user has no records yet, so one page with the pull token.
    const bootstrap = await post(request, "/api/v1/sync/bootstrap", jwt, { device_id: deviceId });
    expect(bootstrap.status()).toBe(200);
    const hydrated = ZBootstrapResponse.parse(await bootstrap.json());
    expect(hydrated.items).toEqual([]);
    expect(hydrated.more).toBe(false);
    expect(hydrated.token).toEqual(expect.any(String));

    // 2. It pushes a memo created offline under a temporary id.
    const push = {
      device_id: deviceId,
      bundle_id: 1,
      items: [
        {
          type: "memo",
          action: "create",
          client_temp_id: "t1",
          data: { content: "hi", tags: [], pinned: false },
        },
      ],
    };
    const pushed = await post(request, "/api/v1/sync/push", jwt, push);
    expect(pushed.status()).toBe(200);
    const pushBody: unknown = await pushed.json();
    const result = ZPushResponse.parse(pushBody);
    expect(result.status).toBe("applied");
    expect(result.bundle_id).toBe(1);
    expect(result.results).toHaveLength(1);
    const [item] = result.results;
    expect(item).toMatchObject({ index: 0, client_temp_id: "t1", status: "ok", version: 1 });
    const memoId = item?.id;
    expect(memoId).toEqual(expect.any(String));

    // 3. Pulling from the bootstrap token returns exactly that memo, as the server stored it.
    const pulled = await post(request, "/api/v1/sync/pull", jwt, { token: hydrated.token });
    expect(pulled.status()).toBe(200);
    const page = ZPullResponse.parse(await pulled.json());
    expect(page.more).toBe(false);
    expect(page.changes).toHaveLength(1);
    expect(page.changes[0]).toMatchObject({
      stream: `user:${userId}`,
      type: "memo",
      id: memoId,
      op: "upsert",
      version: 1,
      data: { content: "hi", tags: [], pinned: false },
      batch_id: result.batch_id,
    });

    // 4. A retry of the same bundle (a lost response) gets the stored answer and writes nothing.
    const retried = await post(request, "/api/v1/sync/push", jwt, push);
    expect(retried.status()).toBe(200);
    expect(await retried.json()).toEqual(pushBody);
    const after = await post(request, "/api/v1/sync/pull", jwt, { token: page.token });
    expect(ZPullResponse.parse(await after.json()).changes).toEqual([]);
  });

  test("a push without a token is refused with the error envelope", async ({ request }) => {
    const response = await request.post("/api/v1/sync/push", {
      data: { device_id: randomUUID(), bundle_id: 1, items: [] },
    });

    expect(response.status()).toBe(401);
    expect(ZErrorBody.parse(await response.json()).error.code).toBe("unauthorized");
  });
});
