// One webhook request: POST the stored body, signed now, and wait at most `timeoutMs` for the
// whole answer (headers and body), so a hung receiver costs one slot for that long and no more.
// Redirects are not followed (a 3xx is not a 2xx: retried); the answer's first bytes are kept
// for the console.
import type { AttemptOutcome } from "./deliveries";
import { signatureHeader } from "./signature";

const EXCERPT_CHARS = 500;

export type WebhookRequest = { url: string; secret: string; eventId: string; body: string };

export async function sendWebhook(request: WebhookRequest, timeoutMs: number, now: () => number = Date.now): Promise<AttemptOutcome> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(request.url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        "content-type": "application/json",
        "user-agent": "Syncdesk-Webhooks/1",
        "syncdesk-event-id": request.eventId,
        "syncdesk-signature": signatureHeader(request.secret, request.body, Math.floor(now() / 1000)),
      },
      body: request.body,
    });
    const text = await response.text();
    return { statusCode: response.status, latencyMs: latency(), error: null, responseExcerpt: text.slice(0, EXCERPT_CHARS) };
  } catch (error) {
    return { statusCode: null, latencyMs: latency(), error: describe(error, timeoutMs), responseExcerpt: null };
  }
}

/** What went wrong, in words for the console: a timeout, a refused connection, a bad address. */
function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : null;
  const code = cause && "code" in cause && typeof cause.code === "string" ? `${cause.code}: ` : "";
  const message = cause?.message ?? (error instanceof Error ? error.message : String(error));
  return `${code}${message}`.slice(0, 300);
}
