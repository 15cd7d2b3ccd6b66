// `npx tsx bench/heap-summary.ts [--top=N] <file.heapprofile>...`: bytes allocated per function of
// V8 sampling heap profiles, summed over the files (bench/lib/heap-sample-hook.cjs), self and with callees, largest first.
import { readFileSync } from "node:fs";

type Node = { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: Node[] };

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith("--top="));
if (files.length === 0) throw new Error("usage: heap-summary.ts [--top=N] <file.heapprofile>...");
const self = new Map<string, number>();
const total = new Map<string, number>();
const nameOf = ({ functionName, url, lineNumber }: Node["callFrame"]) =>
  `${functionName || "(anonymous)"} ${url.replace(/^.*\/(node_modules|\.next)\//, "$1/")}:${lineNumber + 1}`;
function walk(node: Node, onStack: Set<string>): number {
  const key = nameOf(node.callFrame);
  self.set(key, (self.get(key) ?? 0) + node.selfSize);
  const inner = new Set(onStack).add(key);
  const sum = node.selfSize + node.children.reduce((s, c) => s + walk(c, inner), 0);
  if (!onStack.has(key)) total.set(key, (total.get(key) ?? 0) + sum);
  return sum;
}
let all = 0;
for (const file of files) all += walk((JSON.parse(readFileSync(file, "utf8")) as { head: Node }).head, new Set());
const mib = (n: number) => (n / 1048576).toFixed(1).padStart(8);
const top = Number(args.find((a) => a.startsWith("--top="))?.slice(6) ?? 40);
console.log(`total ${mib(all)} MiB sampled\n-- self`);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${mib(v)} MiB  ${k.slice(0, 150)}`);
console.log("-- with callees");
for (const [k, v] of [...total].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${mib(v)} MiB  ${k.slice(0, 150)}`);
