// Inputs of the console's compaction procedures (the single source of their shapes).
import { z } from "zod";
import { JOB_NAMES } from "../../../jobs/registry";

const ZStream = z.string().trim().min(1).max(200);

export const ZStreamList = z.strictObject({
  /** Part of the stream name. */
  q: z.string().trim().min(1).max(200).optional(),
  limit: z.number().int().min(1).max(100).default(25),
  cursor: ZStream.optional(),
});

export const ZDevicesAtRisk = z.strictObject({
  stream: ZStream.optional(),
  limit: z.number().int().min(1).max(100).default(25),
  cursor: z.string().max(600).optional(),
});

export const ZJobRunList = z.strictObject({
  job: z.enum(JOB_NAMES).optional(),
  status: z.enum(["running", "succeeded", "failed"]).optional(),
  limit: z.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
});

export const ZCompactNow = z.strictObject({ stream: ZStream.optional() });
