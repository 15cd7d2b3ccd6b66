// (4) History independence: a pull of the 1,000 changes at the head of a stream whose history
// is small vs large. Each device's token comes from a bootstrap taken 1,000 seqs before the head,
// so every pull answers exactly the same page shape; rounds alternate small and large.
import { bootstrap, makeDevice, pullPage, type Device } from "../lib/client";
import { analyze, seedChanges } from "../lib/seed";
import { summarize, quantile } from "../lib/stats";
import type { Ctx, Row } from "../lib/types";

const PAGE = 1000;

async function prepare(ctx: Ctx, size: number): Promise<{ device: Device; token: string }> {
  const user = `hist-${size}`;
  const stream = `user:${user}`;
  ctx.progress(`history: seeding ${size.toLocaleString("en")} changes`);
  await seedChanges(ctx.admin, stream, 1, size - PAGE);
  const device = await makeDevice(user);
  const { token } = await bootstrap(ctx.server.url, device, 500);
  await seedChanges(ctx.admin, stream, size - PAGE + 1, size);
  return { device, token };
}

export async function measureHistory(ctx: Ctx): Promise<Row[]> {
  const { small, large, pulls, rounds } = ctx.cfg.history;
  const s = await prepare(ctx, small);
  const l = await prepare(ctx, large);
  await analyze(ctx.admin, "changes", "streams");
  const median = async (side: { device: Device; token: string }) => {
    const times: number[] = [];
    for (let i = 0; i < pulls; i++) {
      const page = await pullPage(ctx.server.url, side.device, side.token, PAGE);
      if (page.changes !== PAGE) throw new Error(`history: expected ${PAGE} changes, got ${page.changes}`);
      times.push(page.ms);
    }
    return quantile(times.sort((a, b) => a - b), 0.5);
  };
  await median(s);
  await median(l);
  const smallMs: number[] = [];
  const largeMs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      smallMs.push(await median(s));
      largeMs.push(await median(l));
    } else {
      largeMs.push(await median(l));
      smallMs.push(await median(s));
    }
    ctx.progress(`history round ${r + 1}/${rounds}: ${smallMs.at(-1)?.toFixed(1)} ms vs ${largeMs.at(-1)?.toFixed(1)} ms`);
  }
  const fmt = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);
  return [{
    id: "history", name: `History independence: pull of ${PAGE} at the head, ${fmt(large)} vs ${fmt(small)} history`, unit: "ms per pull",
    value: summarize(largeMs), reference: summarize(smallMs), referenceLabel: `same pull with ${fmt(small)} history`,
    ratio: summarize(largeMs.map((m, i) => m / (smallMs[i] ?? NaN))), ratioLabel: "large / small", target: { op: "<=", value: 1.5 },
  }];
}
