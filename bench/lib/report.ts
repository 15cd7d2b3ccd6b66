// The run's outputs: the console table, bench/results/latest.json, latest.md and the chart
// (latest.svg): each measure's distance to its target, so one glance says what passes.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { spreadPct, type Summary } from "./stats";
import type { Row, Target } from "./types";

export type Verdict = "pass" | "MISS" | "n/a";

export function verdictOf(row: Row): Verdict {
  if (row.skipped || !row.target) return "n/a";
  const subject = row.target.on === "value" ? row.value : row.ratio;
  if (!subject || Number.isNaN(subject.median)) return "n/a";
  return meets(subject.median, row.target) ? "pass" : "MISS";
}

function meets(x: number, t: Target): boolean {
  return t.op === ">=" ? x >= t.value : t.op === "<=" ? x <= t.value : x < t.value;
}

/** How far past its target a measure is: 1 = exactly on target, above 1 = better. */
export function scoreOf(row: Row): number | null {
  if (row.skipped || !row.target) return null;
  const subject = row.target.on === "value" ? row.value : row.ratio;
  if (!subject || !Number.isFinite(subject.median) || subject.median <= 0) return null;
  return row.target.op === ">=" ? subject.median / row.target.value : row.target.value / subject.median;
}

const num = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));
const withSpread = (s: Summary | null | undefined, unit = "") =>
  s ? `${num(s.median)}${unit ? ` ${unit}` : ""}${s.n > 1 ? ` ±${spreadPct(s).toFixed(0)}%` : ""}` : "—";

export function targetText(row: Row): string {
  if (!row.target) return "—";
  const what = row.target.on === "value" ? row.unit : "ratio";
  return `${what} ${row.target.op} ${row.target.value}`;
}

export type Cells = { measure: string; value: string; reference: string; ratio: string; target: string; verdict: string };

export function cellsOf(row: Row): Cells {
  if (row.skipped) return { measure: row.name, value: row.skipped, reference: "—", ratio: "—", target: targetText(row), verdict: "n/a" };
  const ratio = row.ratio ? `${num(row.ratio.median)}${row.ratio.n > 1 ? ` ±${spreadPct(row.ratio).toFixed(0)}%` : ""}` : "—";
  return {
    measure: row.name + (row.notes ? ` (${row.notes})` : ""),
    value: withSpread(row.value, row.unit),
    reference: row.reference ? `${withSpread(row.reference, row.unit)} [${row.referenceLabel ?? ""}]` : "—",
    ratio: row.ratioLabel && row.ratio ? `${ratio} (${row.ratioLabel})` : ratio,
    target: targetText(row),
    verdict: verdictOf(row),
  };
}

const HEAD: Cells = { measure: "measure", value: "value (median ±spread)", reference: "limit / peer", ratio: "ratio", target: "target", verdict: "verdict" };
const KEYS = Object.keys(HEAD) as (keyof Cells)[];

const main = (rows: Row[]) => rows.filter((r) => !r.section);
const stages = (rows: Row[]) => rows.filter((r) => r.section === "breakdown");

/** The stage timings as lines "stage | CPU | wall". */
export function breakdownLines(rows: Row[], markdown: boolean): string[] {
  const list = stages(rows);
  if (list.length === 0) return [];
  const cell = (r: Row) => [r.name, `${num(r.value?.median ?? NaN)} ms`, r.notes ?? ""];
  if (markdown) {
    return ["| stage (one call at a time) | CPU | wall |", "| --- | --- | --- |", ...list.map((r) => `| ${cell(r).join(" | ")} |`)];
  }
  const width = Math.max(...list.map((r) => r.name.length));
  return list.map((r) => { const [n, c, w] = cell(r); return `${(n ?? "").padEnd(width)}  ${(c ?? "").padStart(10)}  ${w}`; });
}

export function textTable(all: Row[]): string {
  const rows = main(all);
  const cells = [HEAD, ...rows.map(cellsOf)];
  const width = (k: keyof Cells) => Math.min(70, Math.max(...cells.map((c) => c[k].length)));
  const fit = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
  const line = (c: Cells) => KEYS.map((k) => fit(c[k], width(k))).join(" | ");
  const table = [line(HEAD), KEYS.map((k) => "-".repeat(width(k))).join("-+-"), ...cells.slice(1).map(line)];
  const breakdown = breakdownLines(all, false);
  return [...table, ...(breakdown.length ? ["", "Where the time goes (CPU per call, in process unless marked):", ...breakdown] : [])].join("\n");
}

export function markdownTable(all: Row[]): string {
  const rows = main(all);
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const line = (c: Cells) => `| ${KEYS.map((k) => esc(k === "verdict" && c[k] === "MISS" ? "**MISS**" : c[k])).join(" | ")} |`;
  return [line(HEAD), `|${KEYS.map(() => " --- ").join("|")}|`, ...rows.map((r) => line(cellsOf(r)))].join("\n");
}

export function svgChart(rows: Row[], title: string): string {
  const scored = rows.map((r) => ({ row: r, score: scoreOf(r) }));
  const labelW = 360;
  const barW = 380;
  const rowH = 26;
  const top = 48;
  const max = 4; // scores above 4x the target are drawn at the edge
  const x = (s: number) => labelW + (Math.min(s, max) / max) * barW;
  const height = top + scored.length * rowH + 40;
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + barW + 140}" height="${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<text x="10" y="38" fill="#555">Bar = how far each measure is past its target (1 = on target; right is better; capped at ${max}x)</text>`,
  ];
  scored.forEach(({ row, score }, i) => {
    const y = top + i * rowH;
    const name = row.name.length > 58 ? `${row.name.slice(0, 57)}…` : row.name;
    parts.push(`<text x="${labelW - 8}" y="${y + 17}" text-anchor="end">${esc(name)}</text>`);
    if (score === null) {
      parts.push(`<text x="${labelW + 6}" y="${y + 17}" fill="#888">${esc(row.skipped ?? "n/a")}</text>`);
      return;
    }
    const pass = verdictOf(row) === "pass";
    const subject = row.target?.on === "value" ? row.value : row.ratio;
    const label = `${num(subject?.median ?? NaN)}${row.target?.on === "value" ? ` ${row.unit}` : ""} (target ${row.target?.op} ${row.target?.value})`;
    parts.push(`<rect x="${labelW}" y="${y + 5}" width="${Math.max(1, x(score) - labelW)}" height="${rowH - 10}" fill="${pass ? "#2e9d5b" : "#d9534f"}"/>`);
    parts.push(`<text x="${x(score) + 6}" y="${y + 17}">${esc(label)}</text>`);
  });
  const targetX = x(1);
  parts.push(`<line x1="${targetX}" y1="${top - 4}" x2="${targetX}" y2="${top + scored.length * rowH}" stroke="#333" stroke-dasharray="4 3"/>`);
  parts.push(`<text x="${targetX}" y="${top + scored.length * rowH + 16}" text-anchor="middle" fill="#333">target</text>`);
  parts.push("</svg>");
  return parts.join("\n");
}

export type RunInfo = { mode: string; startedAt: string; seconds: number; commit: string; machine: string; notes: string[] };

export function writeResults(dir: string, rows: Row[], info: RunInfo): { json: string; md: string; svg: string } {
  mkdirSync(dir, { recursive: true });
  const files = { json: path.join(dir, "latest.json"), md: path.join(dir, "latest.md"), svg: path.join(dir, "latest.svg") };
  const results = rows.map((r) => ({ ...r, verdict: verdictOf(r), score: scoreOf(r) }));
  writeFileSync(files.json, `${JSON.stringify({ ...info, results }, null, 2)}\n`);
  writeFileSync(files.svg, `${svgChart(main(rows), `Syncdesk benchmark (${info.mode}), ${info.startedAt.slice(0, 10)}`)}\n`);
  const md = [
    `# Syncdesk benchmark: ${info.mode} run`,
    "",
    `Run ${info.startedAt} at commit \`${info.commit}\`, ${info.seconds.toFixed(0)} s, on ${info.machine}.`,
    "Every value is the median over repeated rounds (± half the min-max range); each ratio is formed round by",
    "round from the two sides measured back to back in the same run, so load from other work on the machine",
    "cancels out of it.",
    "",
    "![Distance of each measure to its target](latest.svg)",
    "",
    markdownTable(rows),
    "",
    ...(stages(rows).length
      ? ["## Where the time goes", "", "Each stage timed on its own, one call at a time, in the benchmark process through the server's own", "modules (CPU of this process; the PostgreSQL backend's CPU is not in it), except the rows marked", "\"server process\", which are the server's own CPU per HTTP request.", "", ...breakdownLines(rows, true), ""]
      : []),
    ...(info.notes.length ? ["## Notes", "", ...info.notes.map((n) => `- ${n}`), ""] : []),
  ].join("\n");
  writeFileSync(files.md, md);
  return files;
}
