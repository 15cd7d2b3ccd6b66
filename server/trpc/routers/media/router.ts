// Attachments for console pages (any console role may view them).
import { getConsoleBlobs, listUserBlobs, mediaKeysOf } from "../../../uploads/console-media";
import { router, viewerProcedure } from "../../init";
import { ZMediaForRecords, ZMediaForUser } from "./schema";

export const mediaRouter = router({
  forRecords: viewerProcedure.input(ZMediaForRecords).query(({ ctx, input }) => getConsoleBlobs(ctx.db, mediaKeysOf(input.records))),
  forUser: viewerProcedure.input(ZMediaForUser).query(({ ctx, input }) => listUserBlobs(ctx.db, input.userId, input.limit)),
});
