// The minimum role and kind of every console procedure (server/trpc/routers/*; roles viewer <
// support < operator < admin). No imports beyond types, so Playwright specs can read it too;
// test/hardening/console-matrix.integration.test.ts checks it against the router itself.
import type { Role } from "@/server/staff/roles";

export type ProcedureRole = { role: Role | "public"; type: "query" | "mutation"; noInput?: true };

export const PROCEDURES: Record<string, ProcedureRole> = {
  "session.me": { role: "public", type: "query", noInput: true },
  "conflicts.list": { role: "viewer", type: "query" },
  "conflicts.get": { role: "viewer", type: "query" },
  "conflicts.validateMerge": { role: "support", type: "mutation" },
  "conflicts.resolve": { role: "support", type: "mutation" },
  "audit.list": { role: "viewer", type: "query" },
  "overview.stats": { role: "viewer", type: "query" },
  "schema.types": { role: "viewer", type: "query", noInput: true },
  "devices.list": { role: "viewer", type: "query" },
  "devices.get": { role: "viewer", type: "query" },
  "devices.revoke": { role: "operator", type: "mutation" },
  "devices.restore": { role: "operator", type: "mutation" },
  "batches.list": { role: "viewer", type: "query" },
  "batches.get": { role: "viewer", type: "query" },
  "batches.replay": { role: "operator", type: "mutation" },
  "compaction.overview": { role: "viewer", type: "query", noInput: true },
  "compaction.streams": { role: "viewer", type: "query" },
  "compaction.devices": { role: "viewer", type: "query" },
  "compaction.runs": { role: "viewer", type: "query" },
  "compaction.compactNow": { role: "operator", type: "mutation" },
  "media.forRecords": { role: "viewer", type: "query" },
  "media.forUser": { role: "viewer", type: "query" },
  "records.list": { role: "viewer", type: "query" },
  "records.get": { role: "viewer", type: "query" },
  "records.restore": { role: "operator", type: "mutation" },
  "users.list": { role: "viewer", type: "query" },
  "users.get": { role: "viewer", type: "query" },
  "staff.list": { role: "admin", type: "query", noInput: true },
  "staff.create": { role: "admin", type: "mutation" },
  "staff.setRole": { role: "admin", type: "mutation" },
  "staff.setDisabled": { role: "admin", type: "mutation" },
  "staff.resetPassword": { role: "admin", type: "mutation" },
  "staff.resetTwoFactor": { role: "admin", type: "mutation" },
  "staff.settings": { role: "admin", type: "query", noInput: true },
  "staff.setRequireTwoFactor": { role: "admin", type: "mutation" },
  "keys.list": { role: "admin", type: "query", noInput: true },
  "keys.create": { role: "admin", type: "mutation" },
  "keys.revoke": { role: "admin", type: "mutation" },
};
