// Records: anyone may browse them and read their history.
import { getRecordOrThrow } from "../../../records/get";
import { listRecords } from "../../../records/list";
import { router, viewerProcedure } from "../../init";
import { ZRecordGet, ZRecordList } from "./schema";

export const recordsRouter = router({
  list: viewerProcedure.input(ZRecordList).query(({ ctx, input: { cursor, limit, ...filters } }) =>
    listRecords(ctx.db, filters, { cursor, limit }),
  ),
  get: viewerProcedure.input(ZRecordGet).query(({ ctx, input: { beforeVersion, limit, ...key } }) =>
    getRecordOrThrow(ctx.db, key, { beforeVersion, limit }),
  ),
});
