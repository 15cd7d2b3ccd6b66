// Raw HTTP for hostile requests: the path goes on the wire as written (fetch would normalise dot
// segments and encodings), any header value node accepts, any body bytes.
import { request } from "node:http";

export type RawRequest = {
  method: string;
  /** Path and query exactly as sent, e.g. `/api/v1/conflicts/%2e%2e/resolve?x=1`. */
  target: string;
  headers: Record<string, string>;
  body?: Uint8Array;
};

export type RawAnswer = { status: number; headers: Record<string, string | string[] | undefined>; text: string; json: unknown };

/** Header values as HTTP can carry them: node refuses anything but visible ASCII, space and tab. */
function sendable(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace(/[^\t\x20-\x7e]/g, "?")]));
}

/** Sends one request; a streamed answer (SSE) is cut off after `maxBytes` or `timeoutMs`. */
export function sendRaw(baseUrl: string, raw: RawRequest, options: { timeoutMs?: number; maxBytes?: number } = {}): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  const maxBytes = options.maxBytes ?? 256 * 1024;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: raw.method,
        path: raw.target,
        headers: { ...sendable(raw.headers), ...(raw.body ? { "content-length": String(raw.body.byteLength) } : {}) },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        };
        res.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.byteLength;
          if (size > maxBytes) {
            res.destroy();
            finish();
          }
        });
        res.on("end", finish);
        res.on("error", finish);
        const timer = setTimeout(() => {
          res.destroy();
          finish();
        }, options.timeoutMs ?? 30_000);
      },
    );
    req.on("error", reject);
    if (raw.body) req.write(raw.body);
    req.end();
  });
}
