// A push whose client sends the headers and the first half of the body, then stalls.
import { request as httpRequest } from "node:http";

export type StalledAnswer = { status: number; headers: Record<string, unknown>; body: unknown };

/** Sends the headers and the first half of `body` to the push route, then stalls; resolves with the answer. */
export function sendHalf(url: string, jwt: string, body: string): Promise<StalledAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL("/api/v1/sync/push", url);
    const req = httpRequest(target, {
      method: "POST",
      headers: { authorization: `Bearer ${jwt}`, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
    });
    req.on("response", (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => {
        const parsed: unknown = JSON.parse(text);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        req.destroy();
      });
    });
    req.on("error", reject);
    req.write(body.slice(0, Math.floor(body.length / 2)));
  });
}
