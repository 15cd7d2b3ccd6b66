// Devices: anyone may look; operators revoke and restore.
import { readFrom } from "../../../db/read-db";
import { getDeviceOrThrow } from "../../../devices/get";
import { listDevices } from "../../../devices/list";
import { restoreDevice, revokeDevice } from "../../../devices/revoke";
import { operatorProcedure, router, viewerProcedure } from "../../init";
import { ZDeviceList, ZDeviceRef } from "./schema";

export const devicesRouter = router({
  list: viewerProcedure.input(ZDeviceList).query(({ ctx, input: { cursor, limit, ...filters } }) =>
    readFrom(ctx.db, (db) => listDevices(db, filters, { cursor, limit })),
  ),
  get: viewerProcedure.input(ZDeviceRef).query(({ ctx, input }) => getDeviceOrThrow(ctx.db, input.id)),
  revoke: operatorProcedure.input(ZDeviceRef).mutation(({ ctx, input }) => revokeDevice(ctx.db, ctx.staff, input.id)),
  restore: operatorProcedure.input(ZDeviceRef).mutation(({ ctx, input }) => restoreDevice(ctx.db, ctx.staff, input.id)),
});
