// The Syncdesk production server under test: `node scripts/start.mjs` (builds when stale, then
// `next start`), on the run's database, stopped at the end and on failure. start.mjs spawns
// `next start` as a child, so the process that serves (and whose memory counts) is found as the
// descendant that owns the listening socket.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { appendFileSync, readFileSync, readdirSync, readlinkSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";

export const SECRETS = {
  SYNC_JWT_SECRET: "bench-jwt-secret-0123456789abcdef0123456789",
  SYNC_TOKEN_SECRET: "bench-token-secret-0123456789abcdef012345678",
  AUTH_SECRET: "bench-auth-secret-0123456789abcdef0123456789",
  METRICS_TOKEN: "bench-metrics-token-0123456789abcdef",
};

export type RunningServer = { url: string; port: number; pid: number; idleRssMiB: number; stop(): Promise<void>; log(): string };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits while another `next build` runs in the tree (two builds in one .next break each other). */
export async function waitForOtherBuilds(maxMs: number): Promise<void> {
  const started = Date.now();
  for (let said = false; ; said = true) {
    let running = "";
    try {
      // A running build titles itself "next-build (vX)"; a plain "next build" pattern also matched
      // commands merely waiting to build (`flock <lock> npx next build` behind this very run).
      running = execFileSync("pgrep", ["-f", "^next-build"], { encoding: "utf8" }).trim();
    } catch {
      return; // pgrep exits 1 when nothing matches
    }
    if (!running || Date.now() - started > maxMs) return;
    if (!said) process.stdout.write("bench: another `next build` is running; waiting for it\n");
    await sleep(5000);
  }
}

function children(pid: number): number[] {
  const found: number[] = [];
  const taskDir = `/proc/${pid}/task`;
  if (!existsSync(taskDir)) return found;
  for (const task of readdirSync(taskDir)) {
    try {
      const text = readFileSync(`${taskDir}/${task}/children`, "utf8").trim();
      if (text) found.push(...text.split(/\s+/).map(Number));
    } catch {
      // the task ended meanwhile
    }
  }
  return found;
}

function descendants(pid: number): number[] {
  const all: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const next = stack.pop() as number;
    for (const child of children(next)) {
      all.push(child);
      stack.push(child);
    }
  }
  return all;
}

function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hex}`) && cols[3] === "0A") inodes.add(cols[9] ?? "");
    }
  }
  return inodes;
}

/** The pid among `root` and its descendants that listens on `port`. */
export function findListeningPid(root: number, port: number): number | null {
  const inodes = listeningInodes(port);
  for (const pid of [root, ...descendants(root)]) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const link = readlinkSync(path.join(`/proc/${pid}/fd`, fd));
        const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
        if (inode && inodes.has(inode)) return pid;
      }
    } catch {
      // not ours to read, or gone
    }
  }
  return null;
}

function statusKiB(pid: number, field: string): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) : NaN;
}

/** Peak resident set (VmHWM) of a process, in MiB. */
export const peakRssMiB = (pid: number) => statusKiB(pid, "VmHWM") / 1024;
/** Current resident set (VmRSS) of a process, in MiB. */
export const rssMiB = (pid: number) => statusKiB(pid, "VmRSS") / 1024;

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/** Full garbage collections (V8 mark-compacts) of the server so far, from its /api/metrics. */
export async function fullGcs(server: RunningServer): Promise<number> {
  const res = await fetch(`${server.url}/api/metrics`, { headers: { authorization: `Bearer ${SECRETS.METRICS_TOKEN}` } });
  const text = await res.text();
  if (!res.ok || !text.includes("# TYPE nodejs_gc_duration_seconds histogram")) throw new Error(`/api/metrics answered ${res.status} without GC durations`);
  // The kind appears with its first collection.
  return Number(/^nodejs_gc_duration_seconds_count\{kind="major"\} (\d+)$/m.exec(text)?.[1] ?? 0);
}

/** Resets VmHWM to the current RSS (Linux clear_refs 5); false where not permitted. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

export async function startSyncdesk(root: string, databaseUrl: string, timeoutMs: number): Promise<RunningServer> {
  // Others may build in the same tree: wait for their build, and try again when ours collided.
  for (let attempt = 1; ; attempt++) {
    await waitForOtherBuilds(10 * 60_000);
    try {
      return await startOnce(root, databaseUrl, timeoutMs);
    } catch (error) {
      if (attempt >= 4 || !/Another next build process is already running/.test(String(error))) throw error;
      process.stdout.write("bench: another `next build` collided with ours; retrying in 20 s\n");
      await sleep(20_000);
    }
  }
}

async function startOnce(root: string, databaseUrl: string, timeoutMs: number): Promise<RunningServer> {
  const port = await freePort();
  const env = {
    ...process.env, ...SECRETS,
    PORT: String(port), DATABASE_URL: databaseUrl, NODE_ENV: "production" as const,
    JOBS_ENABLED: "false", LOG_LEVEL: "warn", SEED_DEMO_DATA: "false",
    // Webhook delivery runs as in production, so the webhooks row measures pushes while it works
    // (with no endpoint registered it costs one small query a second).
    WEBHOOKS_ENABLED: "true",
    // Request rate limits stay on (each request still counts in the database, claimed in blocks as in production),
    // set high enough that the benchmark's few users, each far faster than a phone, never hit them.
    RATE_LIMIT_DEVICE_REQUESTS: "1000000", RATE_LIMIT_USER_REQUESTS: "1000000",
    NEXTAUTH_URL: `http://127.0.0.1:${port}`, NEXT_TELEMETRY_DISABLED: "1",
    // Profiling aid: BENCH_SERVER_NODE_OPTIONS="--require /path/to/hook.cjs", a hook that runs
    // node:inspector's Profiler for a while and writes the profile (Node 20 refuses --cpu-prof in
    // NODE_OPTIONS). Build first, so the profile is of the server, not of `next build`.
    ...(process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {}),
  };
  const child: ChildProcess = spawn(process.execPath, ["scripts/start.mjs"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  const keep = (chunk: Buffer) => {
    if (process.env.BENCH_SERVER_LOG) appendFileSync(process.env.BENCH_SERVER_LOG, chunk);
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  const stop = async () => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGTERM"); // the group: start.mjs and next start
    } catch {
      return;
    }
    for (let i = 0; i < 50 && !exited; i++) await sleep(100);
    if (!exited) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (exited) throw new Error(`the server exited during start-up:\n${output.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`the server did not become healthy in ${timeoutMs / 1000}s:\n${output.slice(-3000)}`);
      try {
        const res = await fetch(`${url}/api/health`);
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      await sleep(500);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const pid = findListeningPid(child.pid as number, port) ?? (child.pid as number);
  return { url, port, pid, idleRssMiB: rssMiB(pid), stop, log: () => output };
}
