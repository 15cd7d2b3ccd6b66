// Medians and spreads over repeated rounds, and latency percentiles.

export type Summary = { median: number; min: number; max: number; n: number; values: number[] };

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN, n: sorted.length, values };
}

/** The q-quantile of an ascending array (linear interpolation). */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? NaN;
  const b = sorted[hi] ?? NaN;
  return a + (b - a) * (pos - lo);
}

export function percentiles(samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
}

/** Half the min-max range as a percentage of the median: "±12%". */
export function spreadPct(s: Summary): number {
  return s.median === 0 ? 0 : ((s.max - s.min) / 2 / Math.abs(s.median)) * 100;
}

/** Runs `fn` with at most `concurrency` in flight over `jobs`; returns results in job order. */
export async function pool<T, R>(jobs: T[], concurrency: number, fn: (job: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < jobs.length; i = next++) results[i] = await fn(jobs[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  return results;
}

export const now = () => performance.now();

/** CPU milliseconds this process used while `fn` ran. */
export async function withCpu<T>(fn: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const start = process.cpuUsage();
  const result = await fn();
  const used = process.cpuUsage(start);
  return { result, cpuMs: (used.user + used.system) / 1000 };
}
