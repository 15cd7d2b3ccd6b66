// Clients that survive a server crash: a request that gets no answer (connection refused, or the
// process died with it in flight) waits until the server is back and is sent again, unchanged.
// A 503 with Retry-After (the documented answer of an overloaded database: statement timeout) is
// retried the same way and counted; any other answer but 200 fails the run: no 500, no 502.
import { ZPullResponse, type TChange } from "@syncdesk/protocol";

/** The server's state as clients see it: requests that fail while it is down wait for `whenUp`. */
export class Availability {
  up = true;
  stopping = false;
  /** The first failure of a client loop: everything stops and the test reports it. */
  failure: unknown = null;
  fail(error: unknown): void {
    this.failure ??= error;
    this.stopping = true;
    this.restored();
  }
  /** 503 answers seen (retried after their Retry-After). */
  unavailable = 0;
  private waiters: (() => void)[] = [];
  down(): void {
    this.up = false;
  }
  restored(): void {
    this.up = true;
    for (const wake of this.waiters.splice(0)) wake();
  }
  whenUp(): Promise<void> {
    return this.up ? new Promise((resolve) => setTimeout(resolve, 100)) : new Promise((resolve) => this.waiters.push(resolve));
  }
}

export type Client = { jwt: string; deviceId: string };

/** POSTs until the server answers; a connection that dies or is refused is retried once it is back. */
export async function postUntilAnswered(url: string, client: Client, path: string, body: unknown, availability: Availability) {
  let failedAttempts = 0;
  let lastFailureAt: number | null = null;
  for (;;) {
    let status: number;
    let text: string;
    try {
      const response = await fetch(`${url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${client.jwt}`, "content-type": "application/json", "x-device-id": client.deviceId },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(120_000),
      });
      status = response.status;
      text = await response.text();
    } catch {
      // No answer: the connection was refused, or the process died with the request in flight.
      if (availability.failure !== null) throw new Error("stopped: another client failed");
      failedAttempts += 1;
      lastFailureAt = Date.now();
      await availability.whenUp();
      continue;
    }
    if (status === 503 && /"code":"unavailable"/.test(text)) {
      availability.unavailable += 1;
      failedAttempts += 1;
      lastFailureAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      continue;
    }
    if (status !== 200) throw new Error(`${path} answered ${status}: ${text.slice(0, 500)}`);
    return { answer: JSON.parse(text) as unknown, failedAttempts, lastFailureAt };
  }
}

export async function pullAll(url: string, client: Client, token: string, limit: number, availability: Availability) {
  const changes: TChange[] = [];
  const pages: TChange[][] = [];
  for (;;) {
    const { answer } = await postUntilAnswered(url, client, "/api/v1/sync/pull", { token, limit }, availability);
    const page = ZPullResponse.parse(answer);
    pages.push(page.changes);
    changes.push(...page.changes);
    token = page.token;
    if (!page.more) return { changes, pages, token };
  }
}

export const changeKey = (c: { stream: string; seq: number; id: string; op: string; version: number; batch_id?: string | null }) =>
  `${c.stream}#${c.seq} ${c.id} ${c.op} v${c.version} ${c.batch_id ?? "-"}`;
