const UNITS = ["KiB", "MiB", "GiB", "TiB"] as const;

/**
 * A size as people read it, in one convention everywhere docsift shows one (the app, the CLI, error
 * details): binary units named as such, since the caps are binary (100 MiB = 104,857,600 bytes), so
 * "100 MiB" is exactly the limit and never "104.9 MB" or a "100 MB" that is not. One decimal below
 * 100 of a unit, whole numbers from there.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "?";
  if (Math.abs(bytes) < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  // 1023.5 and up would round to "1024 KiB": that is the next unit's 1.0.
  while (Math.abs(value) >= 1023.5 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Math.abs(value) >= 99.95 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`;
}
