import { stringify } from "csv-stringify/sync";
import { AMOUNT_FIELDS, EXPORT_COLUMNS } from "@docsift/core";

const NUMERIC_COLUMNS = new Set<string>([...AMOUNT_FIELDS, "revision"]);

/**
 * A cell a spreadsheet would run as a formula ("=HYPERLINK(…)" as a vendor name) is prefixed with
 * a quote. Amounts are left alone: "-12.50" is a credit, and prefixing it would make it text.
 */
const safe = (column: string, value: string): string =>
  !NUMERIC_COLUMNS.has(column) && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;

export const csvHeader = (): string => stringify([[...EXPORT_COLUMNS]]);

export const csvRow = (row: string[]): string =>
  stringify([row.map((value, i) => safe(EXPORT_COLUMNS[i]!, value))]);
