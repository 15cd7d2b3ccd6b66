// Small formatters of the Compaction page.

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatInterval(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes % 1440 === 0) return minutes === 1440 ? "daily" : `every ${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? "hourly" : `every ${minutes / 60} hours`;
  return `every ${minutes} min`;
}

/** One line for a run's result: its non-zero counters ("changesDeleted 120 · streamsCompacted 3"),
 *  or "nothing to do" when every counter is zero. */
export function summarizeResult(result: unknown): string {
  if (result === null || typeof result !== "object") return "—";
  const counters = Object.entries(result as Record<string, unknown>).filter(([k, v]) => typeof v === "number" && k !== "streamsChecked");
  const done = counters.filter(([, v]) => v !== 0).map(([k, v]) => `${k} ${String(v)}`);
  if (done.length > 0) return done.join(" · ");
  return counters.length > 0 ? "nothing to do" : "—";
}
