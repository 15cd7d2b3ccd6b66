// Every answer a test device receives is read through the shared wire schemas: an error envelope
// with a code outside server/errors.ts, or a push result whose item error code is not in the item
// table, fails the test that provoked it, whatever that test asserts itself.
import { ZErrorBody, ZPushResponse } from "@syncdesk/protocol";

export function checkWireAnswer(method: string, path: string, status: number, contentType: string, body: unknown): void {
  if (!contentType.includes("application/json")) return;
  const route = path.split("?")[0];
  const parsed = status >= 400
    ? ZErrorBody.safeParse(body)
    : method === "POST" && route === "/api/v1/sync/push" && status === 200 ? ZPushResponse.safeParse(body) : null;
  if (parsed && !parsed.success) {
    throw new Error(`${method} ${path} answered ${status} outside the wire schemas: ${parsed.error.message}\n${JSON.stringify(body).slice(0, 500)}`);
  }
}
