// The conflict inbox: anyone may read; support and above resolve, as themselves, in every stream.
import { readFrom } from "../../../db/read-db";
import { getConflictForConsole } from "../../../conflicts/console-get";
import { listConflictsForConsole } from "../../../conflicts/console-list";
import { resolveConflict } from "../../../conflicts/resolve";
import { validateMergeData } from "../../../conflicts/validate-merge";
import { router, supportProcedure, viewerProcedure } from "../../init";
import { ZConflictId, ZConsoleConflictList, ZConsoleResolve, ZValidateMerge } from "./schema";

export const conflictsRouter = router({
  list: viewerProcedure.input(ZConsoleConflictList).query(({ ctx, input }) => readFrom(ctx.db, (db) => listConflictsForConsole(db, input))),
  get: viewerProcedure.input(ZConflictId).query(({ ctx, input }) => getConflictForConsole(ctx.db, input.id)),
  validateMerge: supportProcedure
    .input(ZValidateMerge)
    .mutation(({ ctx, input }) => validateMergeData(ctx.db, input.id, input.data)),
  resolve: supportProcedure.input(ZConsoleResolve).mutation(({ ctx, input }) =>
    resolveConflict(
      ctx.db,
      { type: "staff", id: ctx.staff.id },
      "all",
      input.id,
      input.resolution === "manual_merge" ? { resolution: input.resolution, data: input.data } : { resolution: input.resolution },
      { expectedVersion: input.expectedVersion },
    ),
  ),
});
