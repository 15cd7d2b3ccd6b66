// The service itself.
import * as S from "@syncdesk/protocol";
import { defineRoute } from "../route-definition";
import { NO_AUTH } from "./common";

export const healthRoute = defineRoute({
  id: "health", method: "get", path: "/api/health", tag: "service", auth: NO_AUTH,
  summary: "Liveness and database reachability",
  description: "For load balancers.",
  response: S.ZHealthResponse, errors: ["unavailable"],
});
