// The server's structured logger: pino, one JSON object per line on stdout (readable lines in a
// terminal, see log-pretty.ts).
// Config is read on first use, not at import (env() is validated lazily so `next build` can load
// modules without secrets), hence the forwarding proxy around the real logger.
// Log ids, counts and codes; never a request body, record data, token or secret. The redaction
// below is a safety net for mistakes, not a licence to log objects wholesale.
import pino, { type Logger } from "pino";
import { env } from "./env";
import { prettyLogStream } from "./log-pretty";

const REDACTED_KEYS = ["authorization", "cookie", "token", "secret", "password", "data", "body"];

let instance: Logger | undefined;

function usePretty(): boolean {
  const format = env().LOG_FORMAT;
  return format === "pretty" || (format === "auto" && process.stdout.isTTY === true);
}

function getLogger(): Logger {
  instance ??= pino({
    level: env().LOG_LEVEL,
    base: { service: "syncdesk" },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        ...REDACTED_KEYS.flatMap((key) => [key, `*.${key}`]),
        "*.headers.authorization",
        "*.headers.cookie",
      ],
      censor: "[redacted]",
    },
    serializers: { err: pino.stdSerializers.err },
  }, usePretty() ? prettyLogStream(process.stdout) : undefined);
  return instance;
}

/** The process logger. Derive children with `logger.child({ ... })` inside functions. */
export const logger: Logger = new Proxy(pino({ enabled: false }), {
  get(_placeholder, property) {
    const real = getLogger();
    const value: unknown = Reflect.get(real, property, real);
    return typeof value === "function" ? value.bind(real) : value;
  },
  set(_placeholder, property, value) {
    return Reflect.set(getLogger(), property, value);
  },
});
