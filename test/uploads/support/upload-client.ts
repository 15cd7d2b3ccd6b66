// A device's side of resumable uploads for tests: create, PUT chunks (also interrupted ones, the
// connection cut mid-body as a phone losing its network would), and resume from the server's offset.
import { createHash } from "node:crypto";
import { request as httpRequest } from "node:http";
import { z } from "zod";
import { ZAppendResponse, ZUploadInfo, type TUploadInfo } from "@syncdesk/protocol";
import { bodyOf, errorOf } from "../../support/answers";
import type { TestDevice } from "../../support/device";
import type { TestDatabase } from "../../support/database";

export const sha256Hex = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

export type Created = TUploadInfo;

/** `details` of a 416 chunk answer: where the server's copy ends. */
const ZOffsetDetails = z.object({ offset: z.number().int() });

/** The server's offset a 416 chunk answer reports. */
export const offsetOf416 = (answer: { body: unknown }): number => ZOffsetDetails.parse(errorOf(answer).details).offset;

export async function createUpload(device: TestDevice, bytes: Uint8Array, extra: Record<string, unknown> = {}): Promise<Created> {
  const answer = await device.call("POST", "/api/v1/uploads", { filename: "photo.jpg", size: bytes.byteLength, content_type: "image/jpeg", ...extra });
  if (answer.status !== 201) throw new Error(`create answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return bodyOf(answer, ZUploadInfo);
}

export type PutAnswer = { status: number; body: unknown };

export async function putChunk(baseUrl: string, device: TestDevice, url: string, bytes: Uint8Array, start: number, end: number, headers: Record<string, string> = {}): Promise<PutAnswer> {
  const response = await fetch(`${baseUrl}${url}`, {
    method: "PUT",
    headers: {
      authorization: `Bearer ${device.jwt}`,
      "content-type": "application/octet-stream",
      "content-range": `bytes ${start}-${end - 1}/${bytes.byteLength}`,
      ...headers,
    },
    body: new Uint8Array(bytes.subarray(start, end)),
  });
  const text = await response.text();
  const body: unknown = text ? JSON.parse(text) : {};
  return { status: response.status, body };
}

/**
 * Sends the headers of the chunk [start, end) and `sent` bytes of its body, waits for `beforeCut`
 * (e.g. until the server is reading the body) and then cuts the connection.
 */
export async function interruptedPut(
  baseUrl: string, device: TestDevice, url: string, bytes: Uint8Array, start: number, end: number, sent: number,
  beforeCut: () => Promise<void> = async () => {},
): Promise<void> {
  const target = new URL(`${baseUrl}${url}`);
  await new Promise<void>((resolve) => {
    const req = httpRequest({
      host: target.hostname, port: target.port, path: target.pathname, method: "PUT",
      headers: {
        authorization: `Bearer ${device.jwt}`,
        "content-type": "application/octet-stream",
        "content-range": `bytes ${start}-${end - 1}/${bytes.byteLength}`,
        "content-length": String(end - start),
      },
    });
    req.on("error", () => resolve());
    req.on("response", () => resolve());
    req.write(bytes.subarray(start, start + sent), () => {
      void beforeCut().finally(() => {
        req.destroy();
        resolve();
      });
    });
  });
}

/** Where the server says the upload continues. */
export async function serverOffset(device: TestDevice, uploadId: string): Promise<number> {
  const answer = await device.call("GET", `/api/v1/uploads/${uploadId}`);
  if (answer.status !== 200) throw new Error(`offset answered ${answer.status}`);
  return bodyOf(answer, ZUploadInfo).offset;
}

/** Sends the rest from `offset` in chunk_size chunks, following 416s to the server's offset. */
export async function resume(baseUrl: string, device: TestDevice, created: Created, bytes: Uint8Array, offset: number): Promise<void> {
  let at = offset;
  for (let guard = 0; at < bytes.byteLength; guard++) {
    if (guard > 100) throw new Error("upload does not progress");
    const end = Math.min(bytes.byteLength, at + created.chunk_size);
    const answer = await putChunk(baseUrl, device, created.upload_url, bytes, at, end);
    if (answer.status === 416) at = offsetOf416(answer);
    else if (answer.status === 200) at = bodyOf(answer, ZAppendResponse).offset;
    else throw new Error(`chunk at ${at} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
}

/** The saved offset once no request holds the session (an interrupted PUT has saved what reached it). */
export async function settledOffset(db: TestDatabase, uploadId: string): Promise<number> {
  for (let i = 0; i < 300; i++) {
    const row = await db.prisma.uploadSession.findUniqueOrThrow({ where: { id: uploadId } });
    if (row.leaseUntil === null) return Number(row.offset);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the session stays leased");
}
