// Compaction and background jobs: anyone may look; operators compact now (audited).
import { compactNow } from "../../../compaction/compact-now";
import { listDevicesAtRisk } from "../../../compaction/devices-at-risk";
import { getCompactionOverview } from "../../../compaction/overview";
import { compactionPolicy } from "../../../compaction/policy";
import { listStreamStatus } from "../../../compaction/status";
import { env } from "../../../env";
import { listJobRuns } from "../../../jobs/history";
import { operatorProcedure, router, viewerProcedure } from "../../init";
import { ZCompactNow, ZDevicesAtRisk, ZJobRunList, ZStreamList } from "./schema";

export const compactionRouter = router({
  overview: viewerProcedure.query(({ ctx }) => getCompactionOverview(ctx.db, env(), new Date())),
  streams: viewerProcedure.input(ZStreamList).query(({ ctx, input }) => listStreamStatus(ctx.db, compactionPolicy(env()), new Date(), input)),
  devices: viewerProcedure.input(ZDevicesAtRisk).query(({ ctx, input }) => listDevicesAtRisk(ctx.db, compactionPolicy(env()), new Date(), input)),
  runs: viewerProcedure.input(ZJobRunList).query(({ ctx, input }) => listJobRuns(ctx.db, input)),
  compactNow: operatorProcedure.input(ZCompactNow).mutation(({ ctx, input }) => compactNow(ctx.db, ctx.staff, input)),
});
