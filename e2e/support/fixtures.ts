// What the specs need, as Playwright fixtures: a spec names a device, a token or a logged-in page
// in its arguments instead of building one. Specs import `test` and `expect` from here.
import { randomUUID } from "node:crypto";
import { test as base, expect, type Page } from "@playwright/test";
import { E2E_SECRETS } from "../../playwright.config";
import { mintDeviceJwt } from "../../server/http/dev-token";
import type { E2E_STAFF } from "./accounts";
import { logIn } from "./console";
import { MobileDevice, uniqueUser, type DeviceOptions } from "./device";
import { openMeterConflict, pushFailedBatch, type FailedBatch, type MeterConflict } from "./scenarios";

export type StaffRole = keyof typeof E2E_STAFF;
export type TokenOptions = { streams?: string[]; expiresIn?: string };

/** A new install of a user of its own: ids and a bearer token for the server under test. */
export type ApiDevice = { userId: string; deviceId: string; jwt: string };

export type Fixtures = {
  /** A device JWT for `userId`, signed with the e2e servers' secret as an app's auth server would. */
  deviceJwt: (userId: string, options?: TokenOptions) => Promise<string>;
  /** A fresh user's new install (api/ specs talk to the server with its token). */
  device: ApiDevice;
  /** An app install on the console server's mobile API; a user of its own unless named. */
  openDevice: (userId?: string, options?: DeviceOptions) => Promise<MobileDevice>;
  /** This test's page, logged in to the console as the staff account of `role`. */
  staffPage: (role: StaffRole) => Promise<Page>;
  /** A stored meter conflict made by real pushes on the console server (scenarios.ts). */
  meterConflict: (readings?: ConflictArgs[1], options?: ConflictArgs[2]) => Promise<MeterConflict>;
  /** A partially failed sync batch on the console server (scenarios.ts). */
  failedBatch: (userId?: string) => Promise<FailedBatch>;
};

type ConflictArgs = Parameters<typeof openMeterConflict>;

export const test = base.extend<Fixtures>({
  // Playwright reads a fixture's dependencies from the destructured first argument: none here.
  deviceJwt: async ({}, use) => {
    await use((userId, options = {}) => mintDeviceJwt({ userId, secret: E2E_SECRETS.SYNC_JWT_SECRET, ...options }));
  },
  device: async ({ deviceJwt }, use) => {
    const userId = `e2e-${randomUUID()}`;
    await use({ userId, deviceId: randomUUID(), jwt: await deviceJwt(userId) });
  },
  openDevice: async ({ request }, use) => {
    await use((userId = uniqueUser(), options = {}) => MobileDevice.open(request, userId, options));
  },
  meterConflict: async ({ request }, use) => {
    await use((readings, options) => openMeterConflict(request, readings, options));
  },
  failedBatch: async ({ request }, use) => {
    await use((userId) => pushFailedBatch(request, userId));
  },
  staffPage: async ({ page }, use) => {
    await use(async (role) => {
      await logIn(page, role);
      return page;
    });
  },
});

export { expect };
