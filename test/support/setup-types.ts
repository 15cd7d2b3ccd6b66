// Vitest setup of every tier: the demo app's types, as `npm start` loads them by default.
// Files in a browser environment (`@vitest-environment jsdom`: the client's React hooks) run no
// server code, and esbuild, which loads a TS config, refuses jsdom's globals: they skip it.
import { loadDemoTypes } from "./types";

if (typeof document === "undefined") await loadDemoTypes();
