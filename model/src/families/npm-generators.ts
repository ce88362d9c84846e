// Invoices drawn by invoice-PDF libraries from the npm registry that run offline. Each library
// lays out and formats the document itself; truth records only what the library really prints.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DocumentType } from "@docsift/core";
import { Prng } from "../generator/prng.js";
import {
  formatDate,
  formatNumber,
  groupIban,
  isoOf,
  makeScenario,
  normalAmount,
  pickDocType,
  Printed,
  profileById,
  type Scenario,
} from "./data.js";
import { NUMBER_LABELS, TITLES, WORDINGS } from "./labels.js";

const require = createRequire(import.meta.url);

/** Each library and the PDF engine it draws with. */
export const NPM_LIBRARIES = {
  microinvoice: { pkg: "microinvoice", engine: "pdfkit" },
  "pdf-invoice": { pkg: "@h1dd3nsn1p3r/pdf-invoice", engine: "pdfmake" },
  "jspdf-invoice-template": { pkg: "jspdf-invoice-template-nodejs", engine: "jspdf" },
} as const;
export type NpmLibrary = keyof typeof NPM_LIBRARIES;

const versions = new Map<NpmLibrary, string>();
/** "name@version (engine@version)" as installed, so an upgrade never reuses cached files. */
export function libraryVersion(library: NpmLibrary): string {
  let v = versions.get(library);
  if (!v) {
    const { pkg, engine } = NPM_LIBRARIES[library];
    const own = require(`${pkg}/package.json`) as { version: string };
    const engineVersion = (
      createRequire(require.resolve(pkg))(`${engine}/package.json`) as { version: string }
    ).version;
    v = `${pkg}@${own.version} (${engine}@${engineVersion})`;
    versions.set(library, v);
  }
  return v;
}

/** A planned document: its truth is known before rendering; `render` draws the PDF. */
export interface NpmPlan {
  library: NpmLibrary;
  docType: DocumentType;
  locale: string;
  printed: Printed;
  /** Everything the library is fed, for the cache key. */
  input: unknown;
  render(): Promise<Uint8Array>;
}

// Locales whose printed characters the libraries' standard PDF fonts can encode (WinAnsi):
// no narrow no-break space (fr-FR), no ł (pl-PL), no ₹.
const LIBRARY_PROFILES: Record<NpmLibrary, readonly string[]> = {
  microinvoice: [
    "en-US",
    "en-GB",
    "de-DE",
    "de-CH",
    "nl-NL",
    "es-ES",
    "it-IT",
    "fr-FR",
    "en-SE",
    "en-PL",
    "en-MY",
  ],
  "pdf-invoice": ["en-US", "en-GB", "de-DE", "es-ES", "it-IT", "nl-NL", "en-SE", "en-MY", "en-JP", "de-CH"],
  "jspdf-invoice-template": ["en-US", "en-GB", "de-DE", "de-AT", "nl-NL", "es-ES", "it-IT", "fr-CH", "en-MY"],
};

/** The number's label: an invoice's own wording, or the one of the document type. */
function numberLabel(s: Scenario, rng: Prng): string {
  const W = WORDINGS[s.profile.lang];
  return s.docType === "invoice"
    ? rng.pick(W.number)
    : (NUMBER_LABELS[s.profile.lang][s.docType] ?? rng.pick(W.number));
}

/** Recording helper for libraries that print a number we formatted. */
function amount(P: Printed, cents: number, field?: "subtotal" | "taxAmount" | "totalAmount"): string {
  const text = formatNumber(cents, P.s.profile);
  return field ? P.field(field, text, normalAmount(cents)) : text;
}

async function streamToBytes(doc: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of doc) chunks.push(Buffer.from(chunk as Uint8Array));
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * pdf-invoice resolves when its PDF stream ends, before the file stream it pipes into has
 * flushed (or even opened) the file: wait until the file holds the whole PDF.
 */
async function finishedPdf(path: string): Promise<Uint8Array> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const bytes = await readFile(path);
      if (bytes.subarray(-32).toString("latin1").includes("%%EOF")) return new Uint8Array(bytes);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    if (Date.now() > deadline) throw new Error(`pdf-invoice did not finish ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// ---- microinvoice (PDFKit): every label and value is ours; prices get " <currency code>" appended.

interface MicroInvoiceCtor {
  new (options: unknown): { generate(): NodeJS.ReadableStream };
}

function planMicroinvoice(s: Scenario, rng: Prng): NpmPlan {
  const P = new Printed(s);
  const p = s.profile;
  const W = WORDINGS[p.lang];
  const cur = p.currency;
  P.field("currency", cur, cur);
  const header: { label: string; value: string }[] = [
    { label: numberLabel(s, rng), value: P.number() },
    { label: rng.pick(W.date), value: P.date(s.issue, "invoiceDate") },
  ];
  if (s.due && s.docType === "invoice")
    header.push({ label: rng.pick(W.due), value: P.date(s.due, "dueDate") });
  if (s.po && rng.chance(0.5)) header.push({ label: rng.pick(W.yourOrder), value: P.po() });
  const seller: { label: string; value: string | string[] }[] = [
    {
      label: rng.pick(W.from),
      value: [P.vendor(), ...s.vendor.lines, ...(s.vendor.email ? [s.vendor.email] : [])],
    },
  ];
  if (s.vendor.taxId && rng.chance(0.6)) seller.push({ label: "Tax ID", value: s.vendor.taxId });
  const legal: { value: string; weight: string; color: string }[] = [];
  if (s.iban) {
    if (rng.chance(0.5)) seller.push({ label: "IBAN", value: P.iban(true) });
    else legal.push({ value: `IBAN ${P.iban(rng.chance(0.5))}`, weight: "bold", color: "primary" });
  }
  legal.push({ value: rng.pick(W.thanks), weight: "normal", color: "secondary" });
  const parts = s.items.map((it) => [
    { value: it.description },
    { value: it.quantity },
    { value: amount(P, it.amount), price: true },
  ]);
  const rate = `${String(s.taxRate).replace(".", p.decimal)}%`;
  const total: { label: string; value: string; price?: boolean }[] = [];
  if (!s.taxInclusive)
    total.push({ label: rng.pick(W.subtotal), value: amount(P, s.subtotal, "subtotal"), price: true });
  if (rng.chance(0.5)) total.push({ label: rng.pick(W.tax), value: rate });
  total.push({
    label: `${rng.pick(W.tax)} ${rate}`.trim(),
    value: amount(P, s.tax, "taxAmount"),
    price: true,
  });
  total.push({ label: rng.pick(W.total), value: amount(P, s.total, "totalAmount"), price: true });
  const input = {
    style: {
      header: { backgroundColor: rng.pick(["#F8F8FA", "#EEF4FB", "#FFF7E8"]) },
      text: { regularSize: rng.pick([9, 10]), headingSize: rng.pick([14, 15, 18]) },
    },
    data: {
      invoice: {
        name: rng.pick(TITLES[p.lang][s.docType]),
        header,
        currency: cur,
        customer: [{ label: rng.pick(W.billTo), value: [P.customer(), ...s.customer.lines] }],
        seller,
        legal,
        details: {
          header: [
            { value: rng.pick(W.description) },
            { value: rng.pick(W.qty) },
            { value: rng.pick(W.amount) },
          ],
          parts,
          total,
        },
      },
    },
  };
  return {
    library: "microinvoice",
    docType: s.docType,
    locale: p.id,
    printed: P,
    input,
    render: async () => {
      const MicroInvoice = require("microinvoice") as MicroInvoiceCtor;
      return streamToBytes(new MicroInvoice(structuredClone(input)).generate());
    },
  };
}

// ---- @h1dd3nsn1p3r/pdf-invoice (pdfmake): computes its own sums and formats them with Intl.
// Its "Subtotal" is the sum of tax-inclusive line totals, so subtotal is truth only without tax.

interface PdfInvoiceCtor {
  new (payload: unknown, config?: unknown): { create(): Promise<string> };
}

const INTL_LOCALE: Record<string, string> = { "en-SE": "sv-SE", "en-MY": "en-MY", "en-JP": "en-US" };

function planPdfInvoice(scenario: Scenario, rng: Prng): NpmPlan {
  // Its meta column is 30% of the page wide: a long date ("20. März 2024" after its label) wraps
  // inside the value, so this library gets numeric dates.
  // Its company name is an 18 pt heading in a 70% column: a name that would wrap there is
  // shortened, as a real company would pick a shorter trading name for its header.
  const words = scenario.vendor.name.split(" ");
  while (words.join(" ").length > 28 && words.length > 2) words.splice(1, 1);
  const s: Scenario = { ...scenario, dateStyle: 0, vendor: { ...scenario.vendor, name: words.join(" ") } };
  const P = new Printed(s);
  const p = s.profile;
  const W = WORDINGS[p.lang];
  const intl = INTL_LOCALE[p.id] ?? p.id;
  const fmt = (v: number): string =>
    new Intl.NumberFormat(intl, { style: "currency", currency: p.currency }).format(Number(v.toFixed(2)));
  const items = s.items.map((it) => ({
    name: it.description,
    quantity: it.quantity,
    price: it.unit / 100,
    tax: s.taxRate,
  }));
  // The library's own arithmetic (helper.calcTax / calcSubTotal), repeated to know what it prints.
  let gross = 0;
  let tax = 0;
  for (const it of items) {
    const line = it.quantity * it.price;
    gross += line + (it.tax ? line * (it.tax / 100) : 0);
    tax += (it.price * it.quantity * it.tax) / 100;
  }
  const grossText = Number(gross.toFixed(2));
  const taxText = Number(tax.toFixed(2));
  // Intl prints a yen amount without decimals, rounded; the truth is the printed amount.
  const record = (field: "taxAmount" | "totalAmount" | "subtotal", v: number): void => {
    const value = p.decimals === 0 ? Math.round(v) : v;
    P.field(field, fmt(v), value.toFixed(2));
  };
  const docType = s.docType;
  const payment = docType === "invoice" || docType === "receipt";
  record("totalAmount", grossText);
  record("taxAmount", taxText);
  if (s.taxRate === 0) record("subtotal", grossText);
  const symbol = fmt(1).replace(/[\d.,\s\u00a0\u202f'’]/g, "");
  P.field("currency", symbol, p.currency);
  const number = /^\d+$/.test(s.number) ? Number(s.number) : s.number;
  P.field("invoiceNumber", `#${s.number}`, s.number);
  const dateText = P.date(s.issue, "invoiceDate");
  const due = s.due ?? s.issue;
  const dueText = payment ? P.date(due, "dueDate") : formatDate(due, p, s.dateStyle);
  const label =
    docType === "quote"
      ? rng.pick(TITLES[p.lang].quote)
      : docType === "receipt"
        ? rng.pick(TITLES[p.lang].receipt)
        : undefined;
  const english = p.lang === "en" && rng.chance(0.5);
  const config = english
    ? undefined
    : {
        string: {
          invoice: rng.pick(TITLES[p.lang].invoice).toUpperCase().split("").join(" "),
          refNumber: rng.pick(W.number),
          date: rng.pick(W.date),
          dueDate: docType === "quote" ? rng.pick(W.validUntil) : rng.pick(W.due),
          status: "Status",
          billTo: rng.pick(W.billTo),
          item: rng.pick(W.description),
          quantity: rng.pick(W.qty),
          price: rng.pick(W.unitPrice),
          discount: "-%",
          tax: rng.pick(W.tax),
          total: rng.pick(W.amount),
          subTotal: rng.pick(W.subtotal),
          totalTax: rng.pick(W.tax),
          totalDiscount: "-",
          fee: "+",
          grandTotal: rng.pick(W.total),
        },
      };
  const payload = {
    company: {
      name: P.vendor(),
      address: s.vendor.lines.join(", "),
      email: s.vendor.email,
      taxId: s.vendor.taxId && rng.chance(0.5) ? `Tax ID: ${s.vendor.taxId}` : undefined,
      bank: s.iban && docType === "invoice" ? `IBAN: ${P.iban(rng.chance(0.6))}` : undefined,
    },
    customer: { name: P.customer(), address: s.customer.lines.join(", ") },
    invoice: {
      number,
      date: dateText,
      dueDate: dueText,
      status: docType === "receipt" ? rng.pick(W.paid) : rng.pick(["Pending", "Open", "-"]),
      locale: intl,
      currency: p.currency,
      ...(label ? { label } : {}),
    },
    items,
    note: rng.chance(0.5) ? { text: rng.pick(W.thanks), italic: false } : undefined,
  };
  const input = { payload, config };
  return {
    library: "pdf-invoice",
    docType,
    locale: p.id,
    printed: P,
    input,
    render: async () => {
      const { PDFInvoice } = require("@h1dd3nsn1p3r/pdf-invoice") as { PDFInvoice: PdfInvoiceCtor };
      const dir = await mkdtemp(join(tmpdir(), "docsift-family-"));
      try {
        const path = join(dir, "invoice.pdf");
        const copy = structuredClone(payload) as typeof payload & { invoice: { path?: string } };
        copy.invoice.path = path;
        // Without a config the library uses its own English labels (its default parameter).
        await new PDFInvoice(copy, config).create();
        return await finishedPdf(path);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

// ---- jspdf-invoice-template-nodejs (jsPDF): a right-aligned business block, "label + number",
// free-text date lines, a table and "additional rows" of three columns.

type JsPdfTemplate = (props: unknown) => { arrayBuffer?: ArrayBuffer };

function planJsPdf(s: Scenario, rng: Prng): NpmPlan {
  const P = new Printed(s);
  const p = s.profile;
  const W = WORDINGS[p.lang];
  const cur = p.currency;
  P.field("currency", cur, cur);
  const label = `${numberLabel(s, rng)}: `;
  const num = P.number();
  const invGenDate = `${rng.pick(W.date)}: ${P.date(s.issue, "invoiceDate")}`;
  const dueLabel = s.docType === "invoice" ? W.due : s.docType === "quote" ? W.validUntil : undefined;
  const invDate = s.due && dueLabel ? `${rng.pick(dueLabel)}: ${P.date(s.due, "dueDate")}` : "";
  const table = s.items.map((it, i) => [
    i + 1,
    it.description,
    it.quantity,
    amount(P, it.unit),
    amount(P, it.amount),
  ]);
  const rate = `${String(s.taxRate).replace(".", p.decimal)}%`;
  const rows: { col1: string; col2: string; col3: string; style?: { fontSize: number } }[] = [];
  if (!s.taxInclusive)
    rows.push({
      col1: `${rng.pick(W.subtotal)}:`,
      col2: amount(P, s.subtotal, "subtotal"),
      col3: cur,
      style: { fontSize: 10 },
    });
  rows.push({ col1: `${rng.pick(W.tax)}:`, col2: rate, col3: "", style: { fontSize: 10 } });
  rows.push({
    col1: `${rng.pick(W.tax)}:`,
    col2: amount(P, s.tax, "taxAmount"),
    col3: cur,
    style: { fontSize: 10 },
  });
  rows.push({
    col1: `${rng.pick(W.total)}:`,
    col2: amount(P, s.total, "totalAmount"),
    col3: cur,
    style: { fontSize: 14 },
  });
  let desc = rng.pick(W.thanks);
  if (s.iban && s.docType === "invoice") {
    const sentence = rng.pick(W.payment);
    desc = sentence
      .replace("{amount}", `${formatNumber(s.total, p)} ${cur}`)
      .replace("{due}", formatDate(s.due ?? s.issue, p, s.dateStyle))
      .replace("{number}", s.number)
      .replace("{iban}", P.iban(rng.chance(0.5)));
  }
  const props = {
    outputType: "arraybuffer",
    compress: rng.chance(0.5),
    business: {
      name: P.vendor(),
      address: s.vendor.lines.join(", "),
      phone: `+${rng.int(30, 49)} ${rng.int(100, 999)} ${rng.int(10000, 99999)}`,
      email: s.vendor.email ?? "",
      website: rng.chance(0.5) ? `www.${(s.vendor.email ?? "x@shop.example").split("@")[1]}` : "",
    },
    contact: {
      label: `${rng.pick(W.billTo)}:`,
      name: P.customer(),
      address: s.customer.lines.join(", "),
      email: s.customer.email ?? "",
      otherInfo: s.po ? `${rng.pick(W.yourOrder)}: ${P.po()}` : "",
    },
    invoice: {
      label,
      num,
      invDate,
      invGenDate,
      headerBorder: rng.chance(0.5),
      tableBodyBorder: rng.chance(0.5),
      header: [
        { title: "#", style: { width: 10 } },
        { title: rng.pick(W.description), style: { width: 80 } },
        { title: rng.pick(W.qty) },
        { title: rng.pick(W.unitPrice) },
        { title: rng.pick(W.amount) },
      ],
      table,
      invDescLabel: rng.chance(0.5) ? "Note" : "",
      invDesc: desc,
      additionalRows: rows,
    },
    footer: { text: rng.pick(W.thanks) },
    pageEnable: rng.chance(0.5),
    pageLabel: "Page ",
  };
  return {
    library: "jspdf-invoice-template",
    docType: s.docType,
    locale: p.id,
    printed: P,
    input: props,
    render: async () => {
      const mod = require("jspdf-invoice-template-nodejs") as { default: JsPdfTemplate } | JsPdfTemplate;
      const fn = typeof mod === "function" ? mod : mod.default;
      const out = fn(structuredClone(props));
      if (!out.arrayBuffer) throw new Error("jspdf-invoice-template returned no PDF");
      return new Uint8Array(out.arrayBuffer);
    },
  };
}

export function planNpmDocument(seed: number): NpmPlan {
  const rng = new Prng(seed);
  const library = rng.pick(Object.keys(NPM_LIBRARIES) as NpmLibrary[]);
  const profile = profileById(rng.pick(LIBRARY_PROFILES[library]));
  // Only pdf-invoice has titles of its own for other document types (an estimate, a receipt).
  // pdf-invoice titles an estimate or a receipt; the others take any title and number label, so
  // they also draw credit notes, quotes and order confirmations (which print the same totals).
  const docType =
    library === "pdf-invoice"
      ? pickDocType(rng, ["invoice", "quote", "receipt"])
      : pickDocType(rng, ["invoice", "credit_note", "quote", "order_confirmation"]);
  const s = makeScenario(rng, profile, docType);
  if (library === "microinvoice") return planMicroinvoice(s, rng);
  if (library === "pdf-invoice") return planPdfInvoice(s, rng);
  return planJsPdf(s, rng);
}

export { isoOf, groupIban };
