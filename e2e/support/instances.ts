// Extra app instances for e2e specs about deployment: real `next start` processes from the build
// the suite's web server made, on a scratch PostgreSQL database the spec creates and drops.
// Each child runs in its own process group, so a SIGKILL takes the whole server down at once,
// exactly like a crashed container.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import pg from "pg";
import { z } from "zod";
import { E2E_SECRETS } from "../../playwright.config";
import { E2E_PG_ADMIN_URL } from "./accounts";

const ZLogLine = z.record(z.string(), z.unknown());

export type ScratchDatabase = { name: string; url: string; drop(): Promise<void> };

/** A fresh, empty database on the local PostgreSQL; the first instance started on it migrates it. */
export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const name = `syncdesk_e2e_${prefix}_${randomBytes(6).toString("hex")}`;
  await runAdmin(`CREATE DATABASE "${name}"`);
  const url = new URL(E2E_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => runAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** A port nobody listens on now (the suite's fixed ports belong to its own web servers). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function runAdmin(sql: string): Promise<void> {
  await withClient(E2E_PG_ADMIN_URL, (client) => client.query(sql));
}

/** One short-lived connection, for checks of the database state behind the API. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export type InstanceOptions = {
  port: number;
  databaseUrl: string;
  /** Extra environment (e.g. JOBS_ENABLED, LOG_LEVEL); the e2e secrets are always set. */
  env?: Record<string, string>;
};

export class AppInstance {
  private child: ChildProcess | null = null;
  /** stdout of every start, for specs that read the JSON log lines. */
  readonly stdout: string[] = [];

  constructor(private readonly options: InstanceOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts `next start` and resolves once /api/health answers 200 (migrations done). */
  async start(): Promise<void> {
    if (this.running) throw new Error(`instance on ${this.options.port} is already running`);
    const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(this.options.port)], {
      env: {
        ...process.env,
        NODE_ENV: "production",
        DATABASE_URL: this.options.databaseUrl,
        DATA_DIR: `.data/e2e/${this.options.port}`,
        LOG_LEVEL: "warn",
        AUTH_TRUST_HOST: "true",
        SEED_DEMO_DATA: "false",
        ...E2E_SECRETS,
        ...this.options.env,
      },
      detached: true,
      stdio: ["ignore", "pipe", "inherit"],
    });
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => this.stdout.push(chunk));
    this.child = child;
    await this.waitHealthy(child);
  }

  private async waitHealthy(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`instance on ${this.options.port} exited (${child.exitCode ?? child.signalCode})`);
      }
      const ok = await fetch(`${this.url}/api/health`).then((r) => r.ok, () => false);
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`instance on ${this.options.port} did not become healthy`);
  }

  /** SIGKILL to the whole process group: no shutdown hook, no graceful close of connections. */
  async kill(): Promise<void> {
    await this.signal("SIGKILL");
  }

  /** A graceful stop (SIGTERM); for afterAll. */
  async stop(): Promise<void> {
    await this.signal("SIGTERM");
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      process.kill(-child.pid, signal);
    } catch {
      return; // already gone
    }
    await exited;
  }

  /** Lines of the instance's JSON log (LOG_LEVEL permitting) that parse as objects. */
  logLines(): Record<string, unknown>[] {
    return this.stdout.join("").split("\n").flatMap((line) => {
      try {
        const entry = ZLogLine.safeParse(JSON.parse(line));
        return entry.success ? [entry.data] : [];
      } catch {
        return [];
      }
    });
  }
}

/** Instances on the given ports, not started yet (so afterAll can stop whichever did start). */
export function defineInstances(ports: readonly number[], databaseUrl: string, env: Record<string, string> = {}): AppInstance[] {
  return ports.map((port) => new AppInstance({ port, databaseUrl, env }));
}

/** Starts them together: concurrent start-up migrations are safe (the migrator takes a lock). */
export async function startInstances(instances: readonly AppInstance[]): Promise<void> {
  await Promise.all(instances.map((instance) => instance.start()));
}

export async function stopInstances(instances: readonly AppInstance[]): Promise<void> {
  await Promise.all(instances.map((instance) => instance.stop()));
}
