// Inputs of the console's staff-account procedures (the single source of their shapes).
import { z } from "zod";
import { ZRole } from "../../../staff/roles";

export const ZStaffCreate = z.strictObject({
  email: z.email().max(320),
  role: ZRole,
  name: z.string().trim().min(1).max(200).optional(),
});

export const ZStaffRef = z.strictObject({ id: z.uuid() });
export const ZStaffSetRole = ZStaffRef.extend({ role: ZRole });
export const ZStaffSetDisabled = ZStaffRef.extend({ disabled: z.boolean() });
export const ZRequireTwoFactor = z.strictObject({ required: z.boolean() });
