// Records: anyone may browse them and read their history; operators restore and undelete.
import { readFrom } from "../../../db/read-db";
import { getRecordOrThrow } from "../../../records/get";
import { listRecords } from "../../../records/list";
import { restoreRecord } from "../../../records/restore";
import { toWireRecord } from "../../../sync/records";
import { operatorProcedure, router, viewerProcedure } from "../../init";
import { ZRecordGet, ZRecordList, ZRecordRestore } from "./schema";

export const recordsRouter = router({
  list: viewerProcedure.input(ZRecordList).query(({ ctx, input: { cursor, limit, ...filters } }) =>
    readFrom(ctx.db, (db) => listRecords(db, filters, { cursor, limit })),
  ),
  get: viewerProcedure.input(ZRecordGet).query(({ ctx, input: { beforeVersion, limit, ...key } }) =>
    getRecordOrThrow(ctx.db, key, { beforeVersion, limit }),
  ),
  restore: operatorProcedure.input(ZRecordRestore).mutation(async ({ ctx, input: { stream, type, id, ...request } }) =>
    toWireRecord(await restoreRecord(ctx.db, ctx.staff, { stream, type, id }, request)),
  ),
});
