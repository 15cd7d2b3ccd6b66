// Login throttling (server/limits/login-throttle.ts) through the console's real credentials
// check: failures slow down, then lock the account (and the address) for a while, a right
// password included; a success clears the account's count; failures and locks are audited.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeCredentials } from "@/server/auth/options";
import { setDatabase } from "@/server/db/client";
import { createStaff } from "@/server/staff/accounts";
import { configureTestEnv } from "@/test/support/console-data";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { setTestEnv } from "./env";

configureTestEnv();
const restoreEnv = setTestEnv({ LOGIN_MAX_FAILURES: "4", LOGIN_MAX_FAILURES_PER_IP: "6", LOGIN_SLOWDOWN_AFTER: "2", LOGIN_LOCK_MINUTES: "15" });
const PASSWORD = "correct horse battery staple";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  setDatabase(db);
});
afterAll(async () => {
  await db?.close();
  restoreEnv();
});

const waits: number[] = [];
const deps = { sleep: async (ms: number) => void waits.push(ms) };
const freshIp = () => `10.${[1, 2, 3].map(() => randomBytes(1)[0]).join(".")}`;

async function newStaff(): Promise<string> {
  const email = `login-${randomBytes(4).toString("hex")}@example.test`;
  await createStaff(db.prisma, { email, role: "support", password: PASSWORD });
  return email;
}

function attempt(email: string, password: string, ip: string) {
  return authorizeCredentials({ email, password }, { "x-forwarded-for": `203.0.113.9, ${ip}` }, deps).then(
    (user) => (user ? "ok" : "wrong"),
    (error: unknown) => (error instanceof Error ? error.message : "error"),
  );
}

const audit = (action: string, target: string) => db.prisma.auditEntry.count({ where: { action, targetId: target } });

describe("console login throttling", () => {
  it("slows down after 2 failures, then locks the account for 15 minutes, a right password included", async () => {
    const email = await newStaff();
    const ip = freshIp();
    waits.length = 0;
    for (let i = 0; i < 4; i++) expect(await attempt(email, "wrong password", ip)).toBe("wrong");
    // Attempts 3 and 4 waited one and two seconds before checking.
    expect(waits).toEqual([1000, 2000]);
    const locked = await attempt(email, PASSWORD, ip);
    expect(locked).toMatch(/^locked:\d+$/);
    const seconds = Number(locked.slice("locked:".length));
    expect(seconds).toBeGreaterThan(14 * 60);
    expect(seconds).toBeLessThanOrEqual(15 * 60);
    // From another address too: the account itself is locked.
    expect(await attempt(email, PASSWORD, freshIp())).toMatch(/^locked:/);
    expect(await audit("staff.login_failed", email)).toBe(4);
    expect(await audit("staff.login_locked", email)).toBe(1);
    const staff = await db.prisma.staffUser.findUniqueOrThrow({ where: { email } });
    expect(staff.lastLoginAt).toBeNull();

    // When the lock has run out, the right password works again and clears the count.
    await db.prisma.$executeRaw`UPDATE rate_limit_counters SET reset_at = now() - interval '1 second' WHERE key = ${`login:account:${email}`}`;
    expect(await attempt(email, PASSWORD, ip)).toBe("ok");
    expect(await db.prisma.rateLimitCounter.count({ where: { key: `login:account:${email}` } })).toBe(0);
  });

  it("a success clears the account's failures: no slowdown and no lock from earlier ones", async () => {
    const email = await newStaff();
    const ip = freshIp();
    for (let i = 0; i < 3; i++) expect(await attempt(email, "nope", ip)).toBe("wrong");
    expect(await attempt(email, PASSWORD, ip)).toBe("ok");
    waits.length = 0;
    for (let i = 0; i < 2; i++) expect(await attempt(email, "nope", ip)).toBe("wrong");
    expect(waits).toEqual([]);
    expect(await attempt(email, PASSWORD, ip)).toBe("ok");
  });

  it("locks an address that fails against many accounts, and leaves other addresses alone", async () => {
    const ip = freshIp();
    const victims = await Promise.all([newStaff(), newStaff(), newStaff()]);
    for (const email of victims) for (let i = 0; i < 2; i++) expect(await attempt(email, "guess", ip)).toBe("wrong");
    const fourth = await newStaff();
    expect(await attempt(fourth, PASSWORD, ip)).toMatch(/^locked:\d+$/);
    expect(await audit("staff.login_locked", ip)).toBe(1);
    expect(await attempt(fourth, PASSWORD, freshIp())).toBe("ok");
  });

  it("treats unknown accounts like known ones (nothing to learn from the answers)", async () => {
    const ghost = `ghost-${randomBytes(4).toString("hex")}@example.test`;
    const ip = freshIp();
    for (let i = 0; i < 4; i++) expect(await attempt(ghost, "x", ip)).toBe("wrong");
    expect(await attempt(ghost, "x", ip)).toMatch(/^locked:/);
  });
});
