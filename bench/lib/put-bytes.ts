// Upload chunks sent with node:http rather than fetch. fetch (undici, Node 20) copies a Buffer body
// into a fresh ArrayBuffer per request; 8 MiB of new external memory per chunk sets off V8's
// "external memory pressure" collections, whose cost grows with whatever else the benchmark
// process holds. Measured (bench/profiles/2026-12-06-uploads-full-run.md): fetch spent 18-28 ms
// of client CPU per 8 MiB chunk with a 6 MiB heap and 68-88 ms with 176 MiB of live objects,
// node:http 2-3 ms at either size; on 2 shared cores that CPU is taken from the server under test.
import http from "node:http";

/** One keep-alive connection, reused from chunk to chunk as a device's HTTP client would. */
export function makeUploadAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: 1 });
}

export type PutAnswer = { status: number; text: string };

/** PUTs `body` (sent as is, with its Content-Length) and reads the whole answer. */
export function putBytes(agent: http.Agent, url: string, headers: Record<string, string>, body: Uint8Array): Promise<PutAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "PUT", agent, headers: { ...headers, "content-length": String(body.byteLength) } }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (part: Buffer) => parts.push(part));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}
