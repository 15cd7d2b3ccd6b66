// Vitest setup of every tier: the demo app's types, as `npm start` loads them by default.
import { loadDemoTypes } from "./types";

await loadDemoTypes();
