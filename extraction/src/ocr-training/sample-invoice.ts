import type { SvgPageLine } from "./render-svg-page.js";

/**
 * A one-page invoice with known text, laid out like a real one (two columns at the top, a table,
 * totals on the right). Shared by the OCR tests and the OCR measurement so both see one page.
 */
export const SAMPLE_INVOICE_LINES: readonly SvgPageLine[] = [
  { text: "ACME Office Supplies Ltd", x: 0.08, y: 0.06, fontSize: 34 },
  { text: "12 Harbour Street, Leeds LS1 4AB", x: 0.08, y: 0.09 },
  { text: "INVOICE", x: 0.7, y: 0.06, fontSize: 34 },
  { text: "Invoice number INV-12345", x: 0.08, y: 0.16 },
  { text: "Invoice date 2024-03-15", x: 0.08, y: 0.19 },
  { text: "Due date 2024-04-14", x: 0.08, y: 0.22 },
  { text: "Bill to: Northwind Traders", x: 0.55, y: 0.16 },
  { text: "Description", x: 0.08, y: 0.32 },
  { text: "Amount", x: 0.75, y: 0.32 },
  { text: "Printer paper A4 (10 boxes)", x: 0.08, y: 0.36 },
  { text: "245.00", x: 0.75, y: 0.36 },
  { text: "Toner cartridge black", x: 0.08, y: 0.39 },
  { text: "89.50", x: 0.75, y: 0.39 },
  { text: "Subtotal 334.50", x: 0.55, y: 0.5 },
  { text: "VAT 20% 66.90", x: 0.55, y: 0.53 },
  { text: "Total due EUR 401.40", x: 0.55, y: 0.57 },
];
