// Fleet activity charts for the overview page.
import { z } from "zod";
import { getOverviewStats } from "../../../overview/stats";
import { router, viewerProcedure } from "../../init";

export const overviewRouter = router({
  stats: viewerProcedure
    .input(z.strictObject({ window: z.enum(["24h", "7d"]).default("24h") }))
    .query(({ ctx, input }) => getOverviewStats(ctx.db, input.window)),
});
