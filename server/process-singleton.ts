// State that must exist once per process (a hub, a metrics registry, a locker, a pool).
// A module-level variable is not enough: Next bundles a server module into several chunks (each
// route, the instrumentation hook) and every chunk evaluates its own copy of the module, so each
// copy would hold its own instance. The instances live on globalThis instead, in one registry.
//
// The registry is typed: a module that keeps state here declares its key and type by augmenting
// `ProcessSingletons` next to its use, so a key cannot be reused with another type:
//
//   declare module "../process-singleton" {
//     interface ProcessSingletons { liveHub: Hub }
//   }
//   const hub = () => processSingleton("liveHub", () => createHub());
//
// State that is replaced later (a runner that stops, a store per configuration) is kept as a
// mutable box, e.g. `{ current: JobRunner | undefined }`.

/** Keys and types of the process's singletons; each owning module adds its own (see above). */
export interface ProcessSingletons {}

declare global {
  // Only `var` declares a property of globalThis that TypeScript knows about.
  var syncdeskProcessSingletons: Partial<ProcessSingletons> | undefined;
}

/** This process's instance under `key`, made by `create` on first use by any copy of the caller. */
export function processSingleton<K extends keyof ProcessSingletons>(key: K, create: () => ProcessSingletons[K]): ProcessSingletons[K] {
  const registry = (globalThis.syncdeskProcessSingletons ??= {});
  const existing = registry[key];
  if (existing !== undefined) return existing;
  const created = create();
  registry[key] = created;
  return created;
}
