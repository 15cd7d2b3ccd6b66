// The streams a user's data lives in: their own `user:<id>` stream and every stream one of their
// devices syncs (shared streams included).
import type { DbOrTx } from "../db/client";

export async function listUserStreams(db: DbOrTx, userId: string): Promise<string[]> {
  const devices = await db.device.findMany({ where: { userId }, select: { streams: true } });
  return [...new Set([`user:${userId}`, ...devices.flatMap((d) => d.streams)])].sort();
}
