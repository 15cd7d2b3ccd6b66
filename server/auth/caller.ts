// Who is calling, once authenticated: a user and the streams their credential grants. Neutral
// ground for every layer (http verifies it, sync and uploads act for it), so none imports another
// for the type.
export type Caller = { userId: string; streams: string[] };
