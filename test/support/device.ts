// A minimal device for protocol tests: a bearer token, a device id and JSON over real HTTP.
import { randomUUID } from "node:crypto";
import { mintDeviceJwt } from "@/server/http/dev-token";
import { TEST_JWT_SECRET } from "./server";
import { checkWireAnswer } from "./wire-check";

/** An answer as received; read its body with bodyOf/errorOf (./answers.ts). */
export type Answer<T = unknown> = { status: number; body: T; headers: Headers };

export type TestDevice = {
  userId: string;
  deviceId: string;
  jwt: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
};

export async function makeDevice(
  baseUrl: string,
  userId: string,
  options: { streams?: string[]; deviceId?: string; expiresIn?: string | number } = {},
): Promise<TestDevice> {
  const jwt = await mintDeviceJwt({ userId, streams: options.streams, expiresIn: options.expiresIn, secret: TEST_JWT_SECRET });
  const deviceId = options.deviceId ?? randomUUID();
  return {
    userId,
    deviceId,
    jwt,
    async call(method, path, body, headers = {}) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${jwt}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await response.text();
      const parsed: unknown = text ? JSON.parse(text) : {};
      checkWireAnswer(method, path, response.status, response.headers.get("content-type") ?? "", parsed);
      return { status: response.status, body: parsed, headers: response.headers };
    },
  };
}
