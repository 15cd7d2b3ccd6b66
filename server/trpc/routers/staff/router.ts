// Staff accounts and console settings: admins only. Passwords set here are one-time and returned
// once; second-factor secrets are never returned here.
import { listStaff } from "../../../staff/list";
import { createStaffAccount, resetStaffPassword, setStaffDisabled, setStaffRole } from "../../../staff/manage";
import { getConsoleSettings, setRequireTwoFactor } from "../../../staff/settings";
import { resetTwoFactor } from "../../../staff/two-factor";
import { adminProcedure, router } from "../../init";
import { ZRequireTwoFactor, ZStaffCreate, ZStaffRef, ZStaffSetDisabled, ZStaffSetRole } from "./schema";

export const staffRouter = router({
  list: adminProcedure.query(({ ctx }) => listStaff(ctx.db)),
  create: adminProcedure.input(ZStaffCreate).mutation(({ ctx, input }) => createStaffAccount(ctx.db, ctx.staff, input)),
  setRole: adminProcedure.input(ZStaffSetRole).mutation(({ ctx, input }) => setStaffRole(ctx.db, ctx.staff, input.id, input.role)),
  setDisabled: adminProcedure.input(ZStaffSetDisabled).mutation(({ ctx, input }) => setStaffDisabled(ctx.db, ctx.staff, input.id, input.disabled)),
  resetPassword: adminProcedure.input(ZStaffRef).mutation(({ ctx, input }) => resetStaffPassword(ctx.db, ctx.staff, input.id)),
  resetTwoFactor: adminProcedure.input(ZStaffRef).mutation(({ ctx, input }) => resetTwoFactor(ctx.db, ctx.staff, input.id)),
  settings: adminProcedure.query(({ ctx }) => getConsoleSettings(ctx.db)),
  setRequireTwoFactor: adminProcedure.input(ZRequireTwoFactor).mutation(({ ctx, input }) => setRequireTwoFactor(ctx.db, ctx.staff, input.required)),
});
