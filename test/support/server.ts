// A real HTTP server over the app's route handlers (every app/api/**/route.ts), on a fresh test
// database: tests speak HTTP exactly as a device does, without a `next build` per test file.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { setDatabase } from "@/server/db/client";
import { createTestDatabase, type TestDatabase } from "./database";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Route = { pattern: RegExp; names: string[]; file: string };

export const TEST_JWT_SECRET = "test-jwt-secret-0123456789-abcdefghijklmnop";

function discoverRoutes(dir: string, prefix = ""): Route[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return discoverRoutes(path.join(dir, entry.name), `${prefix}/${entry.name}`);
    if (entry.name !== "route.ts") return [];
    const names: string[] = [];
    // `[name]` is one segment; `[...name]` (a catch-all) one or more.
    const source = prefix.replace(/\[(\.\.\.)?([^\]]+)\]/g, (_, rest: string | undefined, name: string) => {
      names.push(name);
      return rest ? "(.+)" : "([^/]+)";
    });
    return [{ pattern: new RegExp(`^/api${source}/?$`), names, file: path.join(dir, entry.name) }];
  });
}

export type TestServer = { url: string; db: TestDatabase; close(): Promise<void> };

/**
 * `database` serves an already open database (close() closes it too); `port` listens on a given
 * port (a restarted server keeps its address); `drain` makes close() wait for the handlers still
 * running before it closes the database, the way a process finishes its work before it exits.
 */
export type TestServerOptions = { database?: TestDatabase; port?: number; drain?: boolean };

/** Configures the process for tests (before anything reads env()) and serves the API. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  process.env.SYNC_JWT_SECRET = TEST_JWT_SECRET;
  process.env.SYNC_TOKEN_SECRET = "test-token-secret-0123456789-abcdefghijklmnop";
  process.env.DATA_DIR ??= mkdtempSync(path.join(tmpdir(), "syncdesk-test-"));
  process.env.LOG_LEVEL ??= "silent";
  const db = options.database ?? (await createTestDatabase());
  setDatabase(db);
  // As in Next, a catch-all only takes what no other route matches (the deeper one first).
  const catchAll = (r: Route) => (r.pattern.source.includes("(.+)") ? 1 : 0);
  const routes = discoverRoutes(path.join(process.cwd(), "app", "api"))
    .sort((a, b) => catchAll(a) - catchAll(b) || catchAll(a) * (b.pattern.source.length - a.pattern.source.length));
  const modules = new Map<string, Record<string, Handler>>();
  const running = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const handled = handle(routes, modules, req, res).catch((error: unknown) => {
      res.statusCode = 599; // the harness itself failed: never mistaken for an app answer
      res.end(String(error));
    });
    running.add(handled);
    void handled.finally(() => running.delete(handled));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    close: async () => {
      await closeServer(server);
      if (options.drain) await Promise.allSettled([...running]);
      await db.close();
    },
  };
}

async function handle(routes: Route[], modules: Map<string, Record<string, Handler>>, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const route = routes.find((r) => r.pattern.test(url.pathname));
  if (!route) {
    res.statusCode = 404;
    res.end(JSON.stringify({ error: { code: "not_found", message: "No such route" } }));
    return;
  }
  if (!modules.has(route.file)) modules.set(route.file, (await import(route.file)) as Record<string, Handler>);
  const handler = modules.get(route.file)?.[req.method ?? "GET"];
  if (!handler) {
    res.statusCode = 405;
    res.end(JSON.stringify({ error: { code: "method_not_allowed", message: "Method not allowed" } }));
    return;
  }
  const match = route.pattern.exec(url.pathname) ?? [];
  const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? "")]));
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(key, value);
    else if (Array.isArray(value)) headers.set(key, value.join(", "));
  }
  // As in Next: the request's signal aborts when the client goes away (live updates stop on it).
  const abort = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  const request = new Request(url, {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    duplex: "half",
    signal: abort.signal,
  } as RequestInit);
  const response = await handler(request, { params: Promise.resolve(params) });
  res.statusCode = response.status;
  response.headers.forEach((value, key) => res.setHeader(key, value));
  if (!response.body) {
    res.end();
    return;
  }
  // Streamed, not buffered: an event stream never ends on its own.
  res.flushHeaders();
  for await (const chunk of response.body) {
    if (res.destroyed) break;
    res.write(chunk);
  }
  res.end();
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}
