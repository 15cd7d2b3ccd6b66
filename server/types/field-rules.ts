// PLACEHOLDER until the pure rules land (helper branch wt-rules replaces this file).
export type FieldMerge = "lww" | "max" | "min" | "counter" | "union" | "server" | "client" | "manual";
export type FieldRule = { merge?: FieldMerge; immutable?: boolean; serverOnly?: boolean; transitions?: Record<string, string[]> };
export type FieldRules = Readonly<Record<string, FieldRule>>;
