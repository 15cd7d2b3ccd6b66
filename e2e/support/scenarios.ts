// Situations the console exists for, made the way they happen in the field: through the mobile API.
import type { APIRequestContext } from "@playwright/test";
import { expect } from "@playwright/test";
import { MobileDevice, uniqueUser } from "./device";

export type MeterReading = { code: string; reading: number; unit: string };

export type MeterConflict = {
  userId: string;
  /** The device whose edit conflicted; bootstrapped after the push, so a pull shows what follows. */
  phone: MobileDevice;
  /** The device whose edit got there first. */
  tablet: MobileDevice;
  recordId: string;
  conflictId: string;
  batchId: string;
  base: MeterReading;
  server: MeterReading;
  client: MeterReading;
};

/**
 * A stored conflict on a meter (policy manual): the phone creates the meter, the tablet updates
 * the reading, then the phone, still on version 1, sends its own reading.
 */
export async function openMeterConflict(
  request: APIRequestContext,
  readings: { base: number; server: number; client: number } = { base: 100, server: 110, client: 105 },
  options: { userId?: string; code?: string; unit?: string } = {},
): Promise<MeterConflict> {
  const userId = options.userId ?? uniqueUser();
  const code = options.code ?? `M-${userId.slice(-8).toUpperCase()}`;
  const unit = options.unit ?? "kWh";
  const meter = (reading: number): MeterReading => ({ code, reading, unit });
  const phone = await MobileDevice.open(request, userId, { deviceId: `${userId}-phone`, platform: "ios", appVersion: "3.2.0" });
  const tablet = await MobileDevice.open(request, userId, { deviceId: `${userId}-tablet`, platform: "android", appVersion: "3.1.4" });

  const created = await phone.push([{ type: "meter", action: "create", data: meter(readings.base) }]);
  const recordId = created.results[0]?.id;
  expect(created.results[0]).toMatchObject({ status: "ok", version: 1 });
  if (!recordId) throw new Error("the meter got no id");

  const moved = await tablet.push([{ type: "meter", action: "update", id: recordId, base_version: 1, data: meter(readings.server) }]);
  expect(moved.results[0]).toMatchObject({ status: "ok", version: 2 });

  const stale = await phone.push([{ type: "meter", action: "update", id: recordId, base_version: 1, data: meter(readings.client) }]);
  const conflictId = stale.results[0]?.conflict?.conflict_id;
  expect(stale.results[0]).toMatchObject({ status: "conflict", conflict: { policy: "manual", fields: ["reading"] } });
  if (!conflictId) throw new Error("the conflict was not stored");

  await phone.bootstrap();
  return {
    userId, phone, tablet, recordId, conflictId, batchId: stale.batch_id,
    base: meter(readings.base), server: meter(readings.server), client: meter(readings.client),
  };
}

export type FailedBatch = {
  device: MobileDevice;
  batchId: string;
  /** The memo the failed update was about; it does not exist when the batch is pushed. */
  memoId: string;
  update: { content: string; tags: string[]; pinned: boolean };
};

/**
 * A partial batch whose second item failed: an update of a memo this install had created offline
 * but whose create never reached the server (not_found). The first item applies.
 */
export async function pushFailedBatch(request: APIRequestContext, userId = uniqueUser()): Promise<FailedBatch> {
  const device = await MobileDevice.open(request, userId, { deviceId: `${userId}-phone`, platform: "ios" });
  const memoId = `memo-${userId}`;
  const update = { content: "Pick up the parcel before 6pm", tags: ["errands"], pinned: true };
  const pushed = await device.push([
    { type: "memo", action: "create", data: { content: "Water the plants", tags: ["home"], pinned: false } },
    { type: "memo", action: "update", id: memoId, base_version: 1, data: update },
  ]);
  expect(pushed.status).toBe("partial");
  expect(pushed.results[1]).toMatchObject({ status: "error", error: { code: "not_found" } });
  return { device, batchId: pushed.batch_id, memoId, update };
}
