// The app's types (read-only): for the Schema page and for type filters across the console.
import { describeTypes } from "../../../types/describe-types";
import { router, viewerProcedure } from "../../init";

export const schemaRouter = router({
  types: viewerProcedure.query(() => describeTypes()),
});
