// The audit log, read-only for every console role (the database refuses edits anyway).
import { readFrom } from "../../../db/read-db";
import { listAudit } from "../../../audit/list";
import { router, viewerProcedure } from "../../init";
import { ZAuditList } from "./schema";

export const auditRouter = router({
  list: viewerProcedure.input(ZAuditList).query(({ ctx, input }) => readFrom(ctx.db, (db) => listAudit(db, input))),
});
