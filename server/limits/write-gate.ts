// At most PUSH_CONCURRENCY bundle writes (push, server push, WatermelonDB push) do their work at
// once in this process; the others wait their turn between reading their body and parsing it
// (docs/deployment.md "Memory"). Why: a push's parsed request, validated data and staged rows
// live as long as the push. With 50 pushes in flight on a pool of 10 connections each lived
// ~0.5 s, long enough for V8 to promote them to the old generation, which grows to ~4x its live
// size before a full GC. A push waiting for its place holds its request and its bytes (a Buffer,
// outside V8's heap), not its parsed data, and the database had no more work to give: 4 at once
// pushed as fast as 50 on 2 cores (bench/profiles/2026-12-08-push-memory.md, section 4).
//
// The wait is taken after the body has arrived, so a slow client never holds a place, and it is
// bounded like a wait for a pooled connection: 503 `unavailable` (reason `timeout`) after
// DB_STATEMENT_TIMEOUT_SECONDS.
import { AppError } from "../errors";
import { env } from "../env";
import { processSingleton } from "../process-singleton";
import { TIMEOUT_RETRY_AFTER_SECONDS } from "./timeouts";

/** One request's place: `take` waits for it, `leave` gives it back once taken; both idempotent. */
export type Place = { take(): Promise<void>; leave(): void };

export type WriteGate = { place(): Place; readonly working: number; readonly waiting: number };

type Waiter = { admit: () => void };

declare module "../process-singleton" {
  interface ProcessSingletons {
    writeGate: WriteGate;
  }
}

/** The process's gate, sized by PUSH_CONCURRENCY. */
export function writeGate(): WriteGate {
  return processSingleton("writeGate", () => {
    const config = env();
    return createWriteGate(config.PUSH_CONCURRENCY, config.DB_STATEMENT_TIMEOUT_SECONDS * 1000);
  });
}

/** A FIFO gate of `limit` places; a wait longer than `waitMs` (0: no bound) fails with 503. */
export function createWriteGate(limit: number, waitMs: number): WriteGate {
  let working = 0;
  const queue: Waiter[] = [];
  const next = () => {
    const waiter = queue.shift();
    if (waiter) waiter.admit();
    else working--;
  };
  const place = (): Place => {
    let state: "out" | "waiting" | "in" | "left" = "out";
    return {
      async take() {
        if (state !== "out") return;
        if (working < limit) {
          working++;
          state = "in";
          return;
        }
        state = "waiting";
        await new Promise<void>((resolve, reject) => {
          let timer: NodeJS.Timeout | undefined;
          // A place handed on by `next` is not given back in between: `working` stays at the limit.
          const waiter: Waiter = { admit: () => { clearTimeout(timer); state = "in"; resolve(); } };
          queue.push(waiter);
          if (waitMs > 0) {
            timer = setTimeout(() => {
              queue.splice(queue.indexOf(waiter), 1);
              state = "left";
              reject(busy(waitMs));
            }, waitMs);
          }
        });
      },
      leave() {
        if (state === "in") next();
        state = "left";
      },
    };
  };
  return {
    place,
    get working() {
      return working;
    },
    get waiting() {
      return queue.length;
    },
  };
}

function busy(waitMs: number): AppError {
  return new AppError("unavailable", `Too many writes are in progress; none finished within ${waitMs / 1000} s. Retry later`, {
    reason: "timeout",
    retry_after_seconds: TIMEOUT_RETRY_AFTER_SECONDS,
  });
}
