// Service keys of the team's backend (INTEGRATION.md section 2): made by an admin (console or
// `npm run key:create`), shown once, stored as a SHA-256 (32 random bytes need no slow hash),
// revocable, and audited. A request carries one as `Authorization: Bearer sdk_...`.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import { appendAudit, type AuditActor } from "../audit/append";
import type { Db } from "../db/client";
import { AppError } from "../errors";

export const SCOPES = ["read", "write", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

const KEY_PREFIX = "sdk_";

export const ZKeyName = z.string().trim().regex(/^[A-Za-z0-9._-]{1,64}$/, "1 to 64 letters, digits, '.', '_' or '-'");
export const ZStreamPattern = z.string().regex(/^(\*|[a-z][a-z0-9_-]{0,31}:[A-Za-z0-9._@:-]{0,200}\*?)$/, "a stream name, a prefix ending in *, or *");
export const ZNewServiceKey = z.strictObject({
  name: ZKeyName,
  scopes: z.array(z.enum(SCOPES)).min(1).transform((s) => [...new Set(s)].sort()),
  streams: z.array(ZStreamPattern).min(1).max(100).transform((s) => [...new Set(s)].sort()),
});
export type TNewServiceKey = z.input<typeof ZNewServiceKey>;

/** What a verified key may do; never the hash. */
export type ServiceCaller = { keyId: string; name: string; scopes: Scope[]; streams: string[] };

export type ServiceKeySummary = {
  id: string; name: string; prefix: string; scopes: string[]; streams: string[];
  createdBy: string; createdAt: Date; revokedAt: Date | null;
};

const summarySelect = { id: true, name: true, prefix: true, scopes: true, streams: true, createdBy: true, createdAt: true, revokedAt: true } as const;

const hashOf = (key: string) => createHash("sha256").update(key).digest("hex");

/** Creates a key; the returned `key` is the only time anyone sees it. */
export async function createServiceKey(db: Db, actor: AuditActor, input: TNewServiceKey): Promise<{ key: string; summary: ServiceKeySummary }> {
  const parsed = ZNewServiceKey.parse(input);
  const key = `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  return db.$transaction(async (tx) => {
    if (await tx.serviceKey.findUnique({ where: { name: parsed.name }, select: { id: true } })) {
      throw new AppError("conflict", `A service key named ${parsed.name} already exists`);
    }
    const summary = await tx.serviceKey.create({
      data: { id: randomUUID(), ...parsed, keyHash: hashOf(key), prefix: key.slice(0, 10), createdBy: `${actor.type}:${actor.id}` },
      select: summarySelect,
    });
    await appendAudit(tx, { actor, action: "service_key.create", target: { type: "service_key", id: summary.id }, details: { name: summary.name, scopes: summary.scopes, streams: summary.streams } });
    return { key, summary };
  });
}

/** Revokes the key named `name`: its requests answer 401 from now on. */
export async function revokeServiceKey(db: Db, actor: AuditActor, name: string): Promise<ServiceKeySummary> {
  return db.$transaction(async (tx) => {
    const found = await tx.serviceKey.findUnique({ where: { name }, select: summarySelect });
    if (!found) throw new AppError("not_found", `No service key named ${name}`);
    if (found.revokedAt) throw new AppError("conflict", `The service key ${name} is already revoked`);
    const revoked = await tx.serviceKey.update({ where: { id: found.id }, data: { revokedAt: new Date() }, select: summarySelect });
    await appendAudit(tx, { actor, action: "service_key.revoke", target: { type: "service_key", id: found.id }, details: { name } });
    return revoked;
  });
}

export function listServiceKeys(db: Db): Promise<ServiceKeySummary[]> {
  return db.serviceKey.findMany({ orderBy: { createdAt: "desc" }, select: summarySelect });
}

/** The live key a request presents, or null (unknown, revoked or not a service key at all). */
export async function findServiceCaller(db: Db, presented: string): Promise<ServiceCaller | null> {
  if (!presented.startsWith(KEY_PREFIX)) return null;
  const row = await db.serviceKey.findUnique({ where: { keyHash: hashOf(presented) }, select: { id: true, name: true, scopes: true, streams: true, revokedAt: true } });
  if (!row || row.revokedAt) return null;
  const scopes = row.scopes.filter((s): s is Scope => (SCOPES as readonly string[]).includes(s));
  return { keyId: row.id, name: row.name, scopes, streams: row.streams };
}
