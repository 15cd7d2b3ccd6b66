// Staff accounts: admins only. Passwords set here are one-time and returned once.
import { listStaff } from "../../../staff/list";
import { createStaffAccount, resetStaffPassword, setStaffDisabled, setStaffRole } from "../../../staff/manage";
import { adminProcedure, router } from "../../init";
import { ZStaffCreate, ZStaffRef, ZStaffSetDisabled, ZStaffSetRole } from "./schema";

export const staffRouter = router({
  list: adminProcedure.query(({ ctx }) => listStaff(ctx.db)),
  create: adminProcedure.input(ZStaffCreate).mutation(({ ctx, input }) => createStaffAccount(ctx.db, ctx.staff, input)),
  setRole: adminProcedure.input(ZStaffSetRole).mutation(({ ctx, input }) => setStaffRole(ctx.db, ctx.staff, input.id, input.role)),
  setDisabled: adminProcedure.input(ZStaffSetDisabled).mutation(({ ctx, input }) => setStaffDisabled(ctx.db, ctx.staff, input.id, input.disabled)),
  resetPassword: adminProcedure.input(ZStaffRef).mutation(({ ctx, input }) => resetStaffPassword(ctx.db, ctx.staff, input.id)),
});
