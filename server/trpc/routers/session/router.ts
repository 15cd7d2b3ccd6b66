import { publicProcedure, router } from "../../init";

export const sessionRouter = router({
  /** Who is logged in (null when nobody): the console shell shows it and hides what the role cannot do. */
  me: publicProcedure.query(({ ctx }) => ctx.staff),
});
