// The console's user list: every user a device synced for, by user id, keyset paged on it. Users
// exist only as the `sub` of device tokens, so the devices table is where they are known.
import type { DbOrTx } from "../db/client";
import { Prisma } from "../db/generated/client";
import { AppError } from "../errors";

export type UserSummary = { userId: string; devices: number; lastSeenAt: Date };

type Row = { user_id: string; devices: bigint | number; last_seen_at: Date };

const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function decodeUserCursor(cursor: string): string {
  const userId = Buffer.from(cursor, "base64url").toString("utf8");
  if (userId.length === 0 || userId.length > 1000 || userId.includes("\u0000") || Buffer.from(userId, "utf8").toString("base64url") !== cursor) {
    throw new AppError("invalid_request", "The cursor is invalid");
  }
  return userId;
}

export async function listUsers(
  db: DbOrTx,
  filters: { q?: string },
  page: { cursor?: string; limit: number },
): Promise<{ users: UserSummary[]; nextCursor: string | null }> {
  const where: Prisma.Sql[] = [];
  if (filters.q) where.push(Prisma.sql`user_id ILIKE ${`%${literal(filters.q)}%`}`);
  if (page.cursor) where.push(Prisma.sql`user_id > ${decodeUserCursor(page.cursor)}`);
  const condition = where.length > 0 ? Prisma.sql`WHERE ${Prisma.join(where, " AND ")}` : Prisma.empty;
  const rows = await db.$queryRaw<Row[]>`
    SELECT user_id, count(*) AS devices, max(last_seen_at) AS last_seen_at
    FROM devices ${condition}
    GROUP BY user_id ORDER BY user_id LIMIT ${page.limit + 1}::int`;
  const users = rows.slice(0, page.limit).map((r) => ({ userId: r.user_id, devices: Number(r.devices), lastSeenAt: new Date(r.last_seen_at) }));
  const last = users.at(-1);
  return { users, nextCursor: rows.length > page.limit && last ? Buffer.from(last.userId, "utf8").toString("base64url") : null };
}
