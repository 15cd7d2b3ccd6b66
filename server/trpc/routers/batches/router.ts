// Sync batches: anyone may look; operators replay the items that did not apply.
import { readFrom } from "../../../db/read-db";
import { getBatchOrThrow } from "../../../batches/get";
import { listBatches } from "../../../batches/list";
import { replayBatch } from "../../../batches/replay";
import { operatorProcedure, router, viewerProcedure } from "../../init";
import { ZBatchList, ZBatchRef } from "./schema";

export const batchesRouter = router({
  list: viewerProcedure.input(ZBatchList).query(({ ctx, input: { cursor, limit, ...filters } }) =>
    readFrom(ctx.db, (db) => listBatches(db, filters, { cursor, limit })),
  ),
  get: viewerProcedure.input(ZBatchRef).query(({ ctx, input }) => getBatchOrThrow(ctx.db, input.id)),
  replay: operatorProcedure.input(ZBatchRef).mutation(({ ctx, input }) => replayBatch(ctx.db, ctx.staff, input.id)),
});
