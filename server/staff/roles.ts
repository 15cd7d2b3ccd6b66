// Console roles, each including the ones below it: viewer < support < operator < admin.
import { z } from "zod";

export const ROLES = ["viewer", "support", "operator", "admin"] as const;
export const ZRole = z.enum(ROLES);
export type Role = z.infer<typeof ZRole>;

export function hasRole(actual: Role, required: Role): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(required);
}
