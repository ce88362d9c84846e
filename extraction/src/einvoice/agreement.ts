import type { ExtractedPage } from "@docsift/core";
import type { EInvoice } from "./e-invoice.js";

/** The values a reader of the printed invoice would check against what was paid: number, date, total. */
export const CHECKED_FIELDS = ["invoiceNumber", "invoiceDate", "totalAmount"] as const;
export type CheckedField = (typeof CHECKED_FIELDS)[number];

export interface Agreement {
  field: CheckedField;
  /** The PDF's visible text shows the XML's value. */
  agrees: boolean;
  /** The first page that shows it. */
  page: number | undefined;
}

const MONTHS = [
  // en, de, fr, nl, es, it: the languages of the EN 16931 countries' invoices seen most.
  ["january", "januar", "janvier", "januari", "enero", "gennaio", "jänner"],
  ["february", "februar", "février", "februari", "febrero", "febbraio"],
  ["march", "märz", "mars", "maart", "marzo", "marzo"],
  ["april", "april", "avril", "april", "abril", "aprile"],
  ["may", "mai", "mai", "mei", "mayo", "maggio"],
  ["june", "juni", "juin", "juni", "junio", "giugno"],
  ["july", "juli", "juillet", "juli", "julio", "luglio"],
  ["august", "august", "août", "augustus", "agosto", "agosto"],
  ["september", "september", "septembre", "september", "septiembre", "settembre"],
  ["october", "oktober", "octobre", "oktober", "octubre", "ottobre"],
  ["november", "november", "novembre", "november", "noviembre", "novembre"],
  ["december", "dezember", "décembre", "december", "diciembre", "dicembre"],
];

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Every way a page commonly prints an ISO date: numeric in D-M-Y, M-D-Y, Y-M-D order, or with a month name. */
export function datePattern(iso: string): RegExp {
  const [yyyy, mm, dd] = iso.split("-") as [string, string, string];
  const d = String(Number(dd));
  const m = String(Number(mm));
  const day = `0?${d}`;
  const month = `0?${m}`;
  const year = `(?:${yyyy}|${yyyy.slice(2)})`;
  const sep = String.raw`\s?[./-]\s?`;
  const names = [
    ...new Set(MONTHS[Number(mm) - 1]!.flatMap((n) => [escape(n), `${escape(n.slice(0, 3))}\\.?`])),
  ].join("|");
  const ordinal = String.raw`(?:\.|st|nd|rd|th|er)?`;
  const forms = [
    `${day}${sep}${month}${sep}${year}`,
    `${month}${sep}${day}${sep}${year}`,
    `${yyyy}${sep}${month}${sep}${day}`,
    String.raw`${day}${ordinal}\s*(?:de\s+)?(?:${names})\s*,?\s*(?:de\s+)?${yyyy}`,
    String.raw`(?:${names})\s*${day}${ordinal}\s*,?\s*${yyyy}`,
  ];
  return new RegExp(String.raw`(?<![\d])(?:${forms.join("|")})(?![\d])`, "iu");
}

/** Every common printing of an amount: any thousands separator (or none), a decimal point or comma. */
export function amountPattern(value: string): RegExp {
  const [whole, fraction = ""] = value.replace(/^-/, "").split(".") as [string, string?];
  const groups: string[] = [];
  for (let end = whole.length; end > 0; end -= 3) groups.unshift(whole.slice(Math.max(0, end - 3), end));
  const grouped = groups.join(String.raw`(?:[.,' \u00a0\u202f\u2009]?)`);
  const decimals = fraction ? String.raw`[.,]${fraction}` : "";
  return new RegExp(String.raw`(?<![\d.,])${grouped}${decimals}(?![\d])`, "u");
}

/** An invoice number as a whole token: not part of a longer number or word. */
export function numberPattern(number: string): RegExp {
  return new RegExp(String.raw`(?<![\p{L}\p{N}])${escape(number)}(?![\p{L}\p{N}])`, "iu");
}

/**
 * Checks, page by page, that a PDF's visible text shows the number, date and total its attached
 * XML states. Only the match state is kept, not the pages. A value that is nowhere on the pages
 * disagrees: the PDF a person reads and the XML a machine reads may describe different
 * invoices, and which one counts is for a person to decide.
 */
export class VisibleTextAgreement {
  readonly #patterns: Array<{ field: CheckedField; pattern: RegExp }>;
  readonly #found = new Map<CheckedField, number>();

  constructor(invoice: EInvoice) {
    const { invoiceNumber, invoiceDate, totalAmount } = invoice.fields;
    this.#patterns = [
      ...(invoiceNumber
        ? [{ field: "invoiceNumber" as const, pattern: numberPattern(invoiceNumber.value) }]
        : []),
      ...(invoiceDate ? [{ field: "invoiceDate" as const, pattern: datePattern(invoiceDate.value) }] : []),
      ...(totalAmount ? [{ field: "totalAmount" as const, pattern: amountPattern(totalAmount.value) }] : []),
    ];
  }

  addPage(page: ExtractedPage): void {
    const text = page.lines
      .map((l) => l.text)
      .join("\n")
      .replace(/[\u00a0\u202f\u2009]/g, " ");
    for (const { field, pattern } of this.#patterns)
      if (!this.#found.has(field) && pattern.test(text)) this.#found.set(field, page.number);
  }

  outcome(): Agreement[] {
    return this.#patterns.map(({ field }) => ({
      field,
      agrees: this.#found.has(field),
      page: this.#found.get(field),
    }));
  }
}
