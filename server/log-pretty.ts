// Readable log lines for a person at a terminal (`npm start` in a TTY): time, level, message, then
// the remaining fields as key=value. Machines (pipes, containers, log shippers) keep JSON lines.
import { Writable } from "node:stream";

const LEVELS: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO ", 40: "WARN ", 50: "ERROR", 60: "FATAL" };
const COLOURS: Record<number, string> = { 10: "90", 20: "90", 30: "36", 40: "33", 50: "31", 60: "35" };
const HIDDEN = new Set(["level", "time", "msg", "service", "pid", "hostname"]);

/** One JSON log line as one readable line; anything that is not a JSON object passes as is. */
export function formatLogLine(line: string, colour: boolean): string {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (!entry || typeof entry !== "object" || Array.isArray(entry)) return line;
  const fields = entry as Record<string, unknown>;
  const level = typeof fields.level === "number" ? fields.level : 30;
  const time = typeof fields.time === "string" ? fields.time.slice(11, 23) : "";
  const name = LEVELS[level] ?? String(level);
  const tag = colour ? `\u001b[${COLOURS[level] ?? "0"}m${name}\u001b[0m` : name;
  const rest = Object.entries(fields)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
  return [time, tag, typeof fields.msg === "string" ? fields.msg : "", ...rest].filter((part) => part !== "").join(" ");
}

export function prettyLogStream(out: NodeJS.WriteStream): Writable {
  let pending = "";
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) if (line) out.write(`${formatLogLine(line, out.isTTY === true)}\n`);
      done();
    },
  });
}
