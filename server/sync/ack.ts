// Ack (PROTOCOL.md "Ack"): the device's durable checkpoint, one row per stream. The console shows
// lag from it and compaction keeps the history a recently acked device still needs.
import type { Db } from "../db/client";
import { sqlOf } from "../db/sql";
import type { DeviceContext } from "../devices/register";
import { env } from "../env";
import { notingDivergence, NOTE_HEALED_CTE } from "./divergence";
import { cursorsFor, checkPosition } from "./pull";
import { checkPullTokenOwner, openPullToken } from "./tokens";

export async function ackToken(db: Db, device: DeviceContext, token: string) {
  const position = openPullToken(env().syncTokenSecret, token);
  checkPullTokenOwner(position, { userId: device.userId, deviceId: device.deviceId });
  const cursors = cursorsFor(device, position);
  await notingDivergence(db, device.deviceRef, () => checkPosition(db, position, cursors));
  // One statement for every stream (and the heal of a device that diverged): atomic without a transaction.
  await sqlOf(db)(
    `WITH ${NOTE_HEALED_CTE}
     INSERT INTO device_checkpoints (device_ref, stream, seq, acked_at)
     SELECT $1::uuid, c.stream, c.seq, $2::timestamptz FROM unnest($3::text[], $4::bigint[]) AS c(stream, seq)
     ON CONFLICT (device_ref, stream) DO UPDATE SET seq = EXCLUDED.seq, acked_at = EXCLUDED.acked_at`,
    [device.deviceRef, new Date().toISOString(), [...cursors.keys()], [...cursors.values()].map(String)],
  );
  return { acked: true, checkpoint: Object.fromEntries(cursors) };
}
