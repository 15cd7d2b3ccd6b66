// An example of the team's backend (docs/backend.md "The example backend"): it follows the change
// feed and approves every submitted `submission`, writing `status: "approved"` back through the
// server API, like a back office would. Plain Node 20+, no dependencies, only the public HTTP API:
//
//   SYNCDESK_URL=http://localhost:3000 SYNCDESK_KEY=sdk_... node examples/backend/approve-submissions.mjs
//
// The key needs scopes read,write (`npm run key:create -- --name approver --scopes read,write --streams '*'`).
// Optional: WRITER_ID (default "approver"), POLL_MS (default 1000), CURSOR_FILE (keeps the feed
// position across restarts).
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const base = required("SYNCDESK_URL").replace(/\/$/, "");
const key = required("SYNCDESK_KEY");
const writerId = process.env.WRITER_ID ?? "approver";
const pollMs = Number(process.env.POLL_MS ?? 1000);
const cursorFile = process.env.CURSOR_FILE;

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is required`);
    process.exit(2);
  }
  return value;
}

const log = (msg, fields = {}) => console.log(JSON.stringify({ time: new Date().toISOString(), msg, ...fields }));

async function api(method, path, body) {
  const answer = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await answer.json();
  return { status: answer.status, json };
}

/**
 * One approval per record version, with a bundle id derived from it: a retry after a crash (or a
 * change seen again after a 412) resends the same bundle, which the server answers from its
 * idempotency record instead of writing twice.
 */
function bundleIdOf(stream, id, version) {
  return Number.parseInt(createHash("sha256").update(`${stream}\n${id}\n${version}`).digest("hex").slice(0, 12), 16);
}

async function approve({ stream, id, version, data }) {
  const bundle = { writer_id: writerId, bundle_id: bundleIdOf(stream, id, version), items: [
    { type: "submission", stream, id, action: "update", base_version: version, data: { ...data, status: "approved" } },
  ] };
  const { status, json } = await api("POST", "/api/v1/server/push", bundle);
  const result = json.results?.[0];
  // A conflict means the record changed since this version: its newer change comes through the feed.
  log(status === 200 && result?.status === "ok" ? "approved" : "not approved", { stream, id, version, status, result: result?.status, error: result?.error?.code ?? json.error?.code });
}

/** After a 412 (compacted or restored history): approve from the current records, then follow anew. */
async function catchUp() {
  let cursor;
  do {
    const query = new URLSearchParams({ type: "submission", limit: "500", ...(cursor ? { cursor } : {}) });
    const { status, json } = await api("GET", `/api/v1/server/records?${query}`);
    if (status !== 200) throw new Error(`records answered ${status}: ${json.error?.code}`);
    for (const record of json.records) if (record.data.status === "submitted") await approve(record);
    cursor = json.cursor ?? undefined;
  } while (cursor);
}

const loadCursor = () => (cursorFile && existsSync(cursorFile) ? readFileSync(cursorFile, "utf8").trim() || undefined : undefined);
const saveCursor = (cursor) => cursorFile && writeFileSync(cursorFile, cursor);

async function follow() {
  let cursor = loadCursor();
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => { stopping = true; });
  log("following the change feed", { base, writerId, resumed: cursor !== undefined });
  while (!stopping) {
    const query = new URLSearchParams({ types: "submission", limit: "200", ...(cursor ? { cursor } : {}) });
    const { status, json } = await api("GET", `/api/v1/server/changes?${query}`).catch((error) => ({ status: 0, json: { error: { code: String(error.cause?.code ?? error) } } }));
    if (status === 412) {
      // The records hold what compaction or a restore took from the feed; then the feed again from
      // the oldest change kept (changes seen twice are approved once: see bundleIdOf).
      log("feed position lost; catching up from the records", { reason: json.error.details?.reason });
      await catchUp();
      cursor = undefined;
      saveCursor("");
      continue;
    }
    if (status !== 200) {
      log("feed unavailable; retrying", { status, error: json.error?.code });
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      continue;
    }
    // Only a record's latest version in the page: an older one would be a stale base.
    const latest = new Map();
    for (const change of json.changes) latest.set(`${change.stream}\n${change.id}`, change);
    for (const change of latest.values()) {
      if (change.op === "upsert" && change.data?.status === "submitted") await approve(change);
    }
    cursor = json.cursor;
    saveCursor(cursor);
    if (!json.more) await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  log("stopped");
}

await follow();
