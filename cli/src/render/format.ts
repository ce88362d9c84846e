export { formatBytes } from "@docsift/core";

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, "0")}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** "10m", "90s", "1h", "500ms", or plain seconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(text);
  if (!m) throw new RangeError(`"${text}" is not a duration (examples: 90s, 10m, 1h)`);
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[
    (m[2] ?? "s").toLowerCase() as "ms" | "s" | "m" | "h"
  ];
  const ms = Number(m[1]) * factor;
  if (ms <= 0) throw new RangeError(`"${text}" must be longer than zero`);
  return ms;
}
