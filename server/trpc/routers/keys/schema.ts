// Inputs of the console's service-key procedures: the domain's own schemas (server/keys), so the
// console and `npm run key:create` accept exactly the same keys.
import { z } from "zod";
import { ZKeyName, ZNewServiceKey } from "../../../keys/service-keys";

export const ZKeyCreate = ZNewServiceKey;
export const ZKeyRef = z.strictObject({ name: ZKeyName });
