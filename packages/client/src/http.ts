// JSON over fetch, with the server's error envelope turned into one error type. Nothing here is
// Node-only: React Native and browsers bring their own fetch.
import type { z } from "zod";
import { ZErrorBody, type TErrorCode } from "./wire";

/**
 * A server's request error code (server/errors.ts), or one of the SDK's own: `network` (no
 * answer), `invalid_response` (an answer the wire schemas refuse), `bootstrap_loop`, and
 * `http_<status>` for an error without the envelope (a proxy's page, or a code this SDK does not know).
 */
export type SyncErrorCode = TErrorCode | "network" | "invalid_response" | "bootstrap_loop" | `http_${number}`;

/** An answer other than success, or no answer at all (`status` null: the network failed). */
export class SyncError extends Error {
  constructor(
    readonly code: SyncErrorCode,
    message: string,
    readonly status: number | null,
    readonly details: Record<string, unknown> = {},
    /** From a 429's Retry-After, in milliseconds. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = "SyncError";
  }

  /** Worth trying again later with the same request: no answer, a server failure or a rate limit. */
  get retryable(): boolean {
    return this.status === null || this.status >= 500 || this.status === 429 || this.status === 408;
  }
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export type TransportOptions = {
  url: string;
  token: string | (() => string | Promise<string>);
  fetch: FetchLike;
  headers: () => Record<string, string>;
};

export type Transport = {
  /** A JSON body (string) or raw bytes (an upload chunk), with extra headers for the latter. */
  send<T>(
    method: "GET" | "POST" | "PUT", path: string, body: string | Uint8Array<ArrayBuffer> | undefined, schema: z.ZodType<T>,
    extraHeaders?: Record<string, string>,
  ): Promise<T>;
  bearer(): Promise<string>;
};

function retryAfter(response: Response): number | null {
  const seconds = Number(response.headers.get("retry-after"));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null;
}

export function createTransport(options: TransportOptions): Transport {
  const base = options.url.replace(/\/+$/, "");
  const bearer = async () => (typeof options.token === "string" ? options.token : await options.token());
  return {
    bearer,
    async send(method, path, body, schema, extraHeaders = {}) {
      const headers: Record<string, string> = { authorization: `Bearer ${await bearer()}`, ...options.headers(), ...extraHeaders };
      if (typeof body === "string") headers["content-type"] = "application/json";
      else if (body !== undefined) headers["content-type"] = "application/octet-stream";
      let response: Response;
      let text: string;
      try {
        response = await options.fetch(`${base}${path}`, { method, headers, body });
        text = await response.text();
      } catch (error) {
        throw new SyncError("network", `${method} ${path}: ${error instanceof Error ? error.message : String(error)}`, null);
      }
      let json: unknown = null;
      try {
        json = text ? (JSON.parse(text) as unknown) : null;
      } catch {
        // an HTML error page from a proxy, say: reported below by status
      }
      if (!response.ok) {
        const envelope = ZErrorBody.safeParse(json);
        const code: SyncErrorCode = envelope.success ? envelope.data.error.code : `http_${response.status}`;
        const message = envelope.success ? envelope.data.error.message : `${method} ${path} answered ${response.status}`;
        throw new SyncError(code, message, response.status, envelope.success ? envelope.data.error.details : {}, retryAfter(response));
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) throw new SyncError("invalid_response", `${method} ${path}: unexpected answer`, response.status);
      return parsed.data;
    },
  };
}
