// Printing for bench/: markdown tables (readable as they are, and pasted into
// BENCHMARKS.md unchanged), the machine line, and goal lines.

import { readFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';

/** A markdown table: `header` cells, then rows; columns after the first right-aligned. */
export function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => `| ${cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 2)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** CPU model, cores, kernel, load averages, and when. */
export function machineLine() {
  const [one, five, fifteen] = loadavg().map((n) => n.toFixed(2));
  return `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} CPU(s), Linux ${release()}, load ${one} ${five} ${fifteen} (1/5/15 min), ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Another process on the machine is busy if the 1-minute load is above the core count. */
export function busyNote() {
  const [one] = loadavg();
  return one > cpus().length ? `the machine was busy (load ${one.toFixed(2)} on ${cpus().length} CPUs): wall times are noisy, instruction counts are not` : undefined;
}

export const ms = (value) => (value === undefined ? '—' : value.toFixed(1));
export const signedMs = (value) => (value === undefined ? '—' : `${value >= 0 ? '+' : ''}${value.toFixed(1)}`);
export const ratio = (value) => (value === undefined ? '—' : `${value.toFixed(2)}x`);
export const millions = (value) => (value === undefined ? '—' : (value / 1e6).toFixed(1));

/**
 * `met` / `NOT met` for `value <= goal`, with the figure. With `spread` (the paired
 * ratios' interquartile range), a goal inside it is `inconclusive`: on a busy host the
 * median alone can land on either side of it.
 */
export function goalLine(text, value, goal, format = ratio, spread = undefined) {
  if (value === undefined) return `- ${text} ≤ ${format(goal)}: not measured`;
  const range = spread === undefined ? '' : `, IQR ${format(spread.p25)}…${format(spread.p75)}`;
  const verdict = spread !== undefined && spread.p25 <= goal && goal < spread.p75 ? 'inconclusive' : value <= goal ? 'met' : 'NOT met';
  return `- ${text} ≤ ${format(goal)}: **${verdict}** (${format(value)}${range})`;
}

/** Rss and Pss (kB → MiB) of `pid` from /proc/PID/smaps_rollup, or VmRSS alone where that file is missing. */
export function memoryMiB(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1]) / 1024;
    return { rss: field('Rss'), pss: field('Pss'), anon: field('Anonymous') };
  } catch {
    const kib = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return { rss: kib / 1024, pss: undefined, anon: undefined };
  }
}
