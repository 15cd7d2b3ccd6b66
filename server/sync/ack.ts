// Ack (PROTOCOL.md "Ack"): the device's durable checkpoint, one row per stream. The console shows
// lag from it and compaction keeps the history a recently acked device still needs.
import type { Db } from "../db/client";
import type { DeviceContext } from "../devices/register";
import { env } from "../env";
import { cursorsFor, checkPosition } from "./pull";
import { checkPullTokenOwner, openPullToken } from "./tokens";

export async function ackToken(db: Db, device: DeviceContext, token: string) {
  const position = openPullToken(env().syncTokenSecret, token);
  checkPullTokenOwner(position, { userId: device.userId, deviceId: device.deviceId });
  const cursors = cursorsFor(device, position);
  await checkPosition(db, position, cursors);
  const ackedAt = new Date();
  await db.$transaction(
    [...cursors].map(([stream, seq]) =>
      db.deviceCheckpoint.upsert({
        where: { deviceRef_stream: { deviceRef: device.deviceRef, stream } },
        create: { deviceRef: device.deviceRef, stream, seq: BigInt(seq), ackedAt },
        update: { seq: BigInt(seq), ackedAt },
      }),
    ),
  );
  return { acked: true, checkpoint: Object.fromEntries(cursors) };
}
