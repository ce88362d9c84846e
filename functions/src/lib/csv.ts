import { stringify } from "csv-stringify/sync";
import {
  AMOUNT_FIELDS,
  EXPORT_COLUMNS,
  LINE_ITEM_EXPORT_COLUMNS,
  LINE_ITEM_NUMERIC_COLUMNS,
} from "@docsift/core";

const NUMERIC_COLUMNS = new Set<string>([...AMOUNT_FIELDS, "revision"]);

/**
 * A cell a spreadsheet would run as a formula ("=HYPERLINK(…)" as a vendor name) is prefixed with
 * a quote. Amounts are left alone: "-12.50" is a credit, and prefixing it would make it text.
 */
const safe = (numeric: ReadonlySet<string>, column: string, value: string): string =>
  !numeric.has(column) && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;

export const csvHeader = (): string => stringify([[...EXPORT_COLUMNS]]);

export const csvRow = (row: string[]): string =>
  stringify([row.map((value, i) => safe(NUMERIC_COLUMNS, EXPORT_COLUMNS[i]!, value))]);

const LINE_ITEM_NUMERIC = new Set(LINE_ITEM_NUMERIC_COLUMNS);

/** A line-item export: its header and one row per line (a result without lines: the header alone). */
export const lineItemsCsv = (rows: string[][]): string =>
  stringify([
    [...LINE_ITEM_EXPORT_COLUMNS],
    ...rows.map((row) => row.map((value, i) => safe(LINE_ITEM_NUMERIC, LINE_ITEM_EXPORT_COLUMNS[i]!, value))),
  ]);
