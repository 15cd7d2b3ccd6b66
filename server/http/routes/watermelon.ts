// WatermelonDB's sync protocol over the user's stream (docs/watermelondb.md).
import * as W from "../../watermelon/schemas";
import { WATERMELON_DEVICE } from "../../watermelon/tables";
import { defineRoute } from "../route-definition";
import { BODY, QUERY } from "./common";

/** The device named by X-Device-Id, else one shared device per user for Watermelon clients. */
const WATERMELON_AUTH = { kind: "device", device: { from: "header", fallback: WATERMELON_DEVICE } } as const;

export const watermelonPullRoute = defineRoute({
  id: "watermelonPull", method: "get", path: "/api/v1/watermelon/sync", tag: "watermelon", auth: WATERMELON_AUTH,
  summary: "WatermelonDB pull: changes since last_pulled_at",
  description: "WatermelonDB's sync protocol over the user's stream; `timestamp` is a stream position. See docs/watermelondb.md.",
  query: W.ZWatermelonPullQuery, response: W.ZWatermelonPullResponse, errors: [...QUERY, "bootstrap_required"],
});

export const watermelonPushRoute = defineRoute({
  id: "watermelonPush", writesBundle: true, method: "post", path: "/api/v1/watermelon/sync", tag: "watermelon", auth: WATERMELON_AUTH,
  summary: "WatermelonDB push: all changes or none",
  description: "409 if a record changed on the server since `last_pulled_at`; a retry of the same push is answered like the first.",
  query: W.ZWatermelonPushQuery, body: W.ZWatermelonChanges, response: W.ZWatermelonPushResponse, errors: [...BODY, "conflict"],
});
