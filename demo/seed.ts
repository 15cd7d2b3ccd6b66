// Demo data for a fresh embedded database, so the console has something to show on first start.
// Everything goes through the engine a device would hit (registration, push, bootstrap, ack,
// conflict resolution), so records, change log, batches and conflicts agree with each other.
// The story: alice and bob share the stream org:acme; carol syncs alone from two devices.
import { resolveConflict } from "../server/conflicts/resolve";
import type { Db } from "../server/db/client";
import { ensureDevice, type DeviceContext } from "../server/devices/register";
import { ackToken } from "../server/sync/ack";
import { bootstrapPage } from "../server/sync/bootstrap";
import { applyPush } from "../server/sync/push";
import { ZBootstrapRequest, ZPushRequest, type TPushResponse } from "@syncdesk/protocol";

/** The types the demo data writes: it is loaded only when the config declares them all. */
export const DEMO_TYPES = ["memo", "diary", "noot", "meter", "submission", "photo"] as const;

export type DemoSummary = { users: number; devices: number; batches: number; openConflicts: number };

type Item = Record<string, unknown>;

export async function seedDemoData(db: Db): Promise<DemoSummary> {
  const bundles = new Map<string, number>();
  const device = (userId: string, deviceId: string, platform: string, streams: string[] = []) =>
    ensureDevice(db, { userId, streams: [`user:${userId}`, ...streams].sort() }, deviceId, { platform, appVersion: "2.3.0" });
  const push = (on: DeviceContext, items: Item[], mode: "partial" | "atomic" = "partial") => {
    const bundleId = (bundles.get(on.deviceRef) ?? 0) + 1;
    bundles.set(on.deviceRef, bundleId);
    return applyPush(db, on, ZPushRequest.parse({ device_id: on.deviceId, bundle_id: bundleId, mode, items }));
  };
  const idOf = (response: TPushResponse, index: number): string => {
    const id = response.results[index]?.id;
    if (!id) throw new Error(`demo seed: item ${index} of batch ${response.batch_id} has no id`);
    return id;
  };
  const syncUp = async (on: DeviceContext) => {
    const page = await bootstrapPage(db, on, ZBootstrapRequest.parse({ device_id: on.deviceId }));
    if (page.token) await ackToken(db, on, page.token);
  };
  const acme = (item: Item) => ({ ...item, stream: "org:acme" });

  const alicePhone = await device("alice", "alice-iphone", "ios", ["org:acme"]);
  const aliceTablet = await device("alice", "alice-ipad", "ipados", ["org:acme"]);
  const bobPhone = await device("bob", "bob-pixel", "android", ["org:acme"]);
  const carolPhone = await device("carol", "carol-pixel", "android");
  const carolLaptop = await device("carol", "carol-laptop", "web");

  // 1. alice fills her own stream and starts the shared one from her phone.
  const personal = await push(alicePhone, [
    { type: "memo", action: "create", client_temp_id: "m1", data: { content: "Buy oat milk", tags: ["shopping"], pinned: false } },
    { type: "memo", action: "create", data: { content: "Call the plumber about the boiler", tags: ["home"], pinned: true } },
    { type: "diary", action: "create", data: { date: "2026-11-20", mood: "calm", summary: "Long walk by the river." } },
    { type: "noot", action: "create", data: { title: "Morning routine", activities: [{ name: "run", minutes: 30 }] } },
  ]);
  const shared = await push(alicePhone, [
    acme({ type: "meter", action: "create", data: { code: "ACME-BOILER-1", reading: 1520.5, unit: "kWh" } }),
    acme({ type: "meter", action: "create", data: { code: "ACME-WATER-1", reading: 88.2, unit: "m3" } }),
    acme({ type: "submission", action: "create", data: { form_id: "safety-audit", form_version: 3, data: { site: "Harbour St", floors: 4 }, status: "draft" } }),
  ]);
  const [boiler, water, audit] = [idOf(shared, 0), idOf(shared, 1), idOf(shared, 2)];
  await syncUp(aliceTablet);

  // 2. bob edits the shared records and alice's phone a memo, while alice's tablet is offline.
  await push(bobPhone, [
    acme({ type: "meter", action: "update", id: boiler, base_version: 1, data: { code: "ACME-BOILER-1", reading: 1533, unit: "kWh" } }),
    acme({ type: "meter", action: "update", id: water, base_version: 1, data: { code: "ACME-WATER-1", reading: 90.1, unit: "m3" } }),
    acme({ type: "submission", action: "update", id: audit, base_version: 1, data: { form_id: "safety-audit", form_version: 3, data: { site: "Harbour St", floors: 4, extinguishers: 12 }, status: "draft" } }),
  ]);
  await syncUp(bobPhone);
  const milk = idOf(personal, 0);
  await push(alicePhone, [
    { type: "memo", action: "update", id: milk, base_version: 1, data: { content: "Buy oat milk (2 l)", tags: ["shopping"], pinned: false } },
  ]);

  // 3. The tablet comes back with edits on stale versions: two manual meter conflicts, a
  //    disjoint submission edit that merges, and an lww memo edit that is newer and wins.
  await push(aliceTablet, [
    acme({ type: "meter", action: "update", id: boiler, base_version: 1, data: { code: "ACME-BOILER-1", reading: 1529, unit: "kWh" } }),
    acme({ type: "meter", action: "update", id: water, base_version: 1, data: { code: "ACME-WATER-1", reading: 89.7, unit: "m3" } }),
    acme({ type: "submission", action: "update", id: audit, base_version: 1, data: { form_id: "safety-audit", form_version: 3, data: { site: "Harbour St", floors: 4 }, status: "submitted" } }),
    { type: "memo", action: "update", id: milk, base_version: 1, updated_at: new Date().toISOString(), data: { content: "Buy oat milk and bread", tags: ["shopping"], pinned: false } },
  ]);

  // 4. alice's phone, still on version 1, approves the audit: overlaps the merged status.
  await push(alicePhone, [
    acme({ type: "submission", action: "update", id: audit, base_version: 1, data: { form_id: "safety-audit", form_version: 3, data: { site: "Harbour St", floors: 4 }, status: "approved" } }),
  ]);

  // 5. bob: a partial batch with an unknown type, and an atomic batch rejected as a whole.
  await push(bobPhone, [
    { type: "memo", action: "create", data: { content: "Team lunch on Friday", tags: ["work"], pinned: false } },
    { type: "photo", action: "create", data: { url: "demo.jpg" } },
  ]);
  await push(bobPhone, [
    { type: "memo", action: "create", data: { content: "Draft agenda", tags: [], pinned: false } },
    { type: "memo", action: "create", data: { content: "Broken", tags: [], pinned: "yes" } },
  ], "atomic");

  // 6. carol's two devices disagree on a gas reading (manual) and a plan (version: server wins).
  const home = await push(carolPhone, [
    { type: "meter", action: "create", data: { code: "HOME-GAS", reading: 301.2, unit: "m3" } },
    { type: "noot", action: "create", data: { title: "Weekend plan", activities: [{ name: "market" }] } },
    { type: "diary", action: "create", data: { date: "2026-11-21", mood: "tired", summary: "Moved the sofa." } },
  ]);
  const [gas, plan] = [idOf(home, 0), idOf(home, 1)];
  await push(carolLaptop, [
    { type: "meter", action: "update", id: gas, base_version: 1, data: { code: "HOME-GAS", reading: 305, unit: "m3" } },
    { type: "noot", action: "update", id: plan, base_version: 1, client_version: 2, data: { title: "Weekend plan", activities: [{ name: "market" }, { name: "cinema" }] } },
  ]);
  await syncUp(carolLaptop);
  await push(carolPhone, [
    { type: "meter", action: "update", id: gas, base_version: 1, data: { code: "HOME-GAS", reading: 303.4, unit: "m3" } },
    { type: "noot", action: "update", id: plan, base_version: 1, client_version: 1, data: { title: "Weekend plan", activities: [] } },
  ]);

  // 7. One conflict already settled from a device, so the history is not empty.
  const waterConflict = await db.conflict.findFirst({
    where: { recordId: water, status: "open" },
    select: { id: true },
  });
  if (waterConflict) {
    await resolveConflict(db, { type: "device", id: aliceTablet.deviceId }, { streams: aliceTablet.streams }, waterConflict.id, {
      resolution: "accept_server",
    });
  }

  const [devices, batches, openConflicts] = await Promise.all([
    db.device.count(),
    db.syncBatch.count(),
    db.conflict.count({ where: { status: "open" } }),
  ]);
  return { users: 3, devices, batches, openConflicts };
}
