import type { DocumentType as CoreDocumentType, FieldName } from "@docsift/core";
import { deriveSeed, Prng } from "./prng.js";
import {
  LABEL_KEYS,
  LOCALES,
  labelChoices,
  type LabelKey,
  type LocaleSpec,
  type TemplateDocType as DocumentType,
} from "./locales.js";
import { recombinedTrainingTemplate, templatesFor, type Template } from "./templates.js";
import { perturbLabel } from "./augment.js";
import {
  CURRENCY_SYMBOLS,
  formatAmount,
  isoDate,
  normalAmount,
  pickAmountStyle,
  pickDateFormat,
  type AmountStyle,
} from "./formats.js";
import {
  addressLines,
  companyName,
  documentNumber,
  generateIban,
  groupIban,
  ibanCountry,
  personName,
} from "./values.js";
import { concat, onlyMarked, plain, type Piece } from "./pieces.js";
import {
  LOCALE_IDS,
  PAGE_HEIGHT_PT,
  PAGE_WIDTH_PT,
  type LocaleId,
  type Split,
  type SynthItem,
  type SynthPage,
  type SyntheticDocument,
  type Truth,
} from "./types.js";

export interface GenerateOptions {
  split?: Split;
  docType?: DocumentType;
  locale?: LocaleId;
  /**
   * Training only: share of label wordings rewritten by `perturbLabel` (default 0). Drawn from a
   * separate generator, so the document is otherwise the same as without it.
   */
  labelNoise?: number;
  /** Training only: share of documents laid out by a recombination of training block styles. */
  recombine?: number;
}

const marked = (text: string, field: FieldName | undefined): Piece => ({
  text,
  spans: field ? [{ field, start: 0, end: text.length }] : [],
});

const TABLE_HEADERS: Record<LocaleId, [string, string, string, string]> = {
  en: ["Description", "Qty", "Unit price", "Amount"],
  de: ["Bezeichnung", "Menge", "Einzelpreis", "Betrag"],
  fr: ["Désignation", "Qté", "Prix unitaire", "Montant"],
  es: ["Descripción", "Cant.", "Precio unitario", "Importe"],
};

const LINE = 0.0175;
const textWidth = (text: string, size: number): number => (text.length * size * 0.5) / PAGE_WIDTH_PT;

class Layout {
  readonly pages: SynthPage[] = [{ number: 1, items: [] }];
  y = 0.06;

  get page(): SynthPage {
    return this.pages[this.pages.length - 1] as SynthPage;
  }

  add(piece: Piece, x: number, y: number, size = 9, bold = false): void {
    if (piece.text.trim() === "") return;
    this.page.items.push({ text: piece.text, x: clamp(x), y: clamp(y), size, bold, spans: piece.spans });
  }

  /** Right-aligns a piece so that it ends at `right`. */
  addRight(piece: Piece, right: number, y: number, size = 9, bold = false): void {
    this.add(piece, right - textWidth(piece.text, size), y, size, bold);
  }

  newPage(): void {
    this.pages.push({ number: this.pages.length + 1, items: [] });
    this.y = 0.06;
  }
}

const clamp = (v: number): number => Math.min(0.97, Math.max(0.02, v));

interface Entry {
  label: string;
  value: Piece;
}

/** The pieces of one document before layout: what it says, independent of where. */
interface Content {
  docType: DocumentType;
  title: string;
  issuer: Piece;
  issuerLines: string[];
  recipientLabel: string | undefined;
  recipient: Piece | undefined;
  recipientLines: string[];
  meta: Entry[];
  items: Array<[string, string, string, string]>;
  totals: Entry[];
  notes: Piece[];
  bank: Entry[];
  footer: string[];
  repeatOnPage2: Entry | undefined;
}

export function generateDocument(seed: number, opts: GenerateOptions = {}): SyntheticDocument {
  const rng = new Prng(seed);
  const split = opts.split ?? "train";
  const locale = LOCALES[opts.locale ?? rng.pick(LOCALE_IDS)];
  const docType = opts.docType ?? pickDocType(rng);
  let template = rng.pick(templatesFor(split));
  if (split === "train" && (opts.recombine ?? 0) > 0) {
    const r = new Prng(deriveSeed(seed, 43));
    if (r.chance(opts.recombine ?? 0)) template = recombinedTrainingTemplate((xs) => r.pick(xs));
  }
  const fields: Truth["fields"] = {};
  const noise = split === "train" ? (opts.labelNoise ?? 0) : 0;
  const content = buildContent(
    rng,
    locale,
    split,
    docType,
    fields,
    noise > 0 ? { rng: new Prng(deriveSeed(seed, 41)), share: noise } : undefined,
  );
  const layout = new Layout();
  place(rng, layout, template, content, locale);
  return {
    seed,
    split,
    locale: locale.id,
    template: template.id,
    pages: layout.pages,
    truth: { documentType: typeOfTitle(docType, content.title), fields: onlyMarked(fields, layout.pages) },
  };
}

/**
 * The template generator's "other" documents are delivery notes, letters and notices; their truth
 * says which, as the layout grammar's do (one title must not teach two types).
 */
function typeOfTitle(docType: DocumentType, title: string): CoreDocumentType {
  if (docType !== "other") return docType;
  if (/deliver|liefer|livraison|albar/iu.test(title)) return "delivery_note";
  if (/quotation/iu.test(title)) return "quote";
  return "letter";
}

const foldLabel = (s: string): string =>
  s
    .replace(/\s*:\s*$/, "")
    .trim()
    .toLowerCase();

let heldoutCache: Set<string> | undefined;
/** Every held-out wording of every locale, folded: label augmentation must never produce one. */
function heldoutWordings(): Set<string> {
  return (heldoutCache ??= new Set(
    Object.values(LOCALES).flatMap((loc) =>
      LABEL_KEYS.flatMap((k) => labelChoices(loc, k, "heldout").map(foldLabel)),
    ),
  ));
}

function pickDocType(rng: Prng): DocumentType {
  const r = rng.next();
  if (r < 0.55) return "invoice";
  if (r < 0.72) return "receipt";
  if (r < 0.87) return "purchase_order";
  return "other";
}

function buildContent(
  rng: Prng,
  loc: LocaleSpec,
  split: Split,
  docType: DocumentType,
  fields: Truth["fields"],
  noise?: { rng: Prng; share: number },
): Content {
  const heldout = noise ? heldoutWordings() : undefined;
  const label = (key: LabelKey): string => {
    const chosen = rng.pick(labelChoices(loc, key, split));
    if (!noise || !heldout || !noise.rng.chance(noise.share)) return chosen;
    const out = perturbLabel(noise.rng, chosen, loc.id);
    return heldout.has(foldLabel(out)) ? chosen : out;
  };
  // Only US issuers (dollars) write numeric dates month first.
  const fmtDate = pickDateFormat(rng, loc, () => loc.id !== "en" || currency !== "USD");
  const style: AmountStyle = pickAmountStyle(rng, loc);
  const currency = rng.pick(loc.currencies);
  const currencyMode = rng.pick(["none", "symbol", "code", "total-code", "symbol"] as const);
  const symbol = CURRENCY_SYMBOLS[currency] ?? currency;
  const truthOf = (f: FieldName, v: string): FieldName => {
    fields[f] = v;
    return f;
  };

  const issuerName = companyName(rng, loc, split);
  const otherParty = rng.chance(0.6) ? companyName(rng, loc, split) : personName(rng, split);
  const issueDate = new Date(Date.UTC(rng.int(2019, 2026), rng.int(0, 11), rng.int(1, 28)));
  const addDays = (d: Date, n: number): Date => new Date(d.getTime() + n * 86_400_000);
  const termsDays = rng.pick([7, 10, 14, 30, 45, 60]);

  // Which party is the vendor depends on who issues the document: a purchase order comes from the buyer.
  const issuerField: FieldName = docType === "purchase_order" ? "customerName" : "vendorName";
  const otherField: FieldName = docType === "purchase_order" ? "vendorName" : "customerName";
  const issuer = marked(issuerName, truthOf(issuerField, issuerName));
  const recipient =
    docType === "receipt" && rng.chance(0.8)
      ? undefined
      : marked(otherParty, truthOf(otherField, otherParty));

  const issuerLines = addressLines(rng, loc);
  if (rng.chance(0.5))
    issuerLines.push(`${label("phone")} +${rng.int(30, 49)} ${rng.int(100, 999)} ${rng.int(100000, 999999)}`);
  const vatId = `${label("vatId")}: ${loc.id === "en" ? "GB" : loc.id.toUpperCase()}${rng.int(100000000, 999999999)}`;
  if (rng.chance(0.4)) issuerLines.push(vatId);

  const money = (cents: number, field: FieldName | undefined, showCurrency: boolean): Piece => {
    const amount = marked(formatAmount(cents, style), field);
    if (!showCurrency || currencyMode === "none") return amount;
    const cur = marked(
      currencyMode === "code" || currencyMode === "total-code" ? currency : symbol,
      truthOf("currency", currency),
    );
    const before = loc.id === "en" || currencyMode === "total-code" ? rng.chance(0.8) : rng.chance(0.2);
    const sep = cur.text.length > 1 || rng.chance(0.4) ? " " : "";
    return before ? concat(cur, plain(sep), amount) : concat(amount, plain(sep), cur);
  };
  const date = (d: Date, field: FieldName | undefined): Piece => {
    if (field) truthOf(field, isoDate(d));
    return marked(fmtDate(d), field);
  };
  const id = (prefixes: string[], field: FieldName | undefined): Piece => {
    const v = documentNumber(rng, prefixes);
    if (field) truthOf(field, v);
    return marked(v, field);
  };

  const meta: Entry[] = [];
  const itemCount = rng.chance(0.12) ? rng.int(22, 34) : rng.int(1, 7);
  const items: Content["items"] = [];
  let net = 0;
  for (let i = 0; i < itemCount; i++) {
    const qty = rng.chance(0.6) ? 1 : rng.int(2, 20);
    const unit = rng.chance(0.5) ? rng.int(100, 20000) : rng.int(1000, 250000);
    net += qty * unit;
    const priced = docType !== "other";
    items.push([
      rng.pick(loc.items),
      String(qty),
      priced ? formatAmount(unit, style) : "",
      priced ? formatAmount(qty * unit, style) : "",
    ]);
  }
  if (docType !== "other" && rng.chance(0.3)) {
    const ship = rng.int(300, 3000);
    net += ship;
    items.push([label("shipping"), "1", formatAmount(ship, style), formatAmount(ship, style)]);
  }
  const rate = rng.pick(loc.taxRates);
  const tax = Math.round((net * rate) / 100);
  const total = net + tax;

  const totals: Entry[] = [];
  const notes: Piece[] = [];
  const bank: Entry[] = [];
  let repeatOnPage2: Entry | undefined;
  const iban = generateIban(rng, ibanCountry(loc, currency));
  const ibanText = rng.chance(0.7) ? groupIban(iban) : iban;
  const bic = `${rng.pick(["DEUT", "COBA", "BNPA", "CAIX", "NWBK", "UBSW"])}${loc.id === "en" ? "GB" : loc.id.toUpperCase()}${rng.pick(["FF", "2L", "PP", "MM"])}`;
  const bankName = rng.pick([
    "Sparkasse",
    "Crédit Agricole",
    "Banco Sabadell",
    "Barclays",
    "Commerzbank",
    "BNP Paribas",
  ]);

  const addCurrencyLabel = currencyMode !== "none" ? rng.chance(0.25) : rng.chance(0.4);
  if (docType === "invoice") {
    const noEntry: Entry = {
      label: label("invoiceNumber"),
      value: id(["INV", "RE", "F", "FAC", "R"], "invoiceNumber"),
    };
    meta.push(noEntry);
    repeatOnPage2 = noEntry;
    meta.push({ label: label("invoiceDate"), value: date(issueDate, "invoiceDate") });
    if (rng.chance(0.75))
      meta.push({ label: label("dueDate"), value: date(addDays(issueDate, termsDays), "dueDate") });
    if (rng.chance(0.5)) meta.push({ label: label("customerNo"), value: id(["C", "K", "CL"], undefined) });
    if (rng.chance(0.45))
      meta.push({ label: label("yourOrder"), value: id(["PO", "BE", "OC", "PED"], "purchaseOrderNumber") });
    if (rng.chance(0.4))
      meta.push({
        label: label("deliveryDate"),
        value: date(addDays(issueDate, -rng.int(0, 20)), undefined),
      });
    if (rng.chance(0.2))
      meta.push({ label: label("orderDate"), value: date(addDays(issueDate, -rng.int(5, 40)), undefined) });
    if (addCurrencyLabel)
      meta.push({ label: label("currency"), value: marked(currency, truthOf("currency", currency)) });
  } else if (docType === "receipt") {
    meta.push({ label: label("receiptNumber"), value: id(["", "T", "B"], "invoiceNumber") });
    meta.push({
      label: label("invoiceDate"),
      value: concat(
        date(issueDate, "invoiceDate"),
        plain(` ${rng.int(8, 21)}:${String(rng.int(0, 59)).padStart(2, "0")}`),
      ),
    });
  } else if (docType === "purchase_order") {
    meta.push({ label: label("poNumber"), value: id(["PO", "BE", "OC", "BC"], "purchaseOrderNumber") });
    meta.push({ label: label("poDate"), value: date(issueDate, "invoiceDate") });
    if (rng.chance(0.6))
      meta.push({ label: label("deliveryDate"), value: date(addDays(issueDate, rng.int(3, 30)), undefined) });
    if (addCurrencyLabel)
      meta.push({ label: label("currency"), value: marked(currency, truthOf("currency", currency)) });
  } else {
    meta.push({ label: label("deliveryNote"), value: id(["LS", "DN", "BL", "ALB"], undefined) });
    meta.push({ label: label("deliveryDate"), value: date(issueDate, undefined) });
    if (rng.chance(0.5))
      meta.push({ label: label("yourOrder"), value: id(["PO", "BE", "OC", "PED"], undefined) });
  }

  if (docType === "invoice" || docType === "purchase_order" || (docType === "receipt" && rng.chance(0.5))) {
    totals.push({
      label: label("subtotal"),
      value: money(net, "subtotal", rng.chance(0.5) && currencyMode !== "total-code"),
    });
  }
  if (docType !== "other") {
    const taxLabel = `${label("tax")} ${String(rate).replace(".", loc.id === "en" ? "." : ",")}%`;
    totals.push({
      label: taxLabel,
      value: money(tax, "taxAmount", rng.chance(0.4) && currencyMode !== "total-code"),
    });
    totals.push({ label: label("total"), value: money(total, "totalAmount", true) });
    fields.subtotal = normalAmount(net);
    fields.taxAmount = normalAmount(tax);
    fields.totalAmount = normalAmount(total);
  }
  if (docType === "receipt") {
    const paid = Math.ceil(total / 1000) * 1000 + rng.pick([0, 1000, 2000]);
    totals.push({ label: label("paid"), value: plain(formatAmount(paid, style)) });
    totals.push({ label: label("change"), value: plain(formatAmount(paid - total, style)) });
  }

  if (docType === "invoice" || (docType === "other" && rng.chance(0.5))) {
    const field = docType === "invoice" ? truthOf("iban", iban) : undefined;
    bank.push({ label: label("bank"), value: plain(bankName) });
    bank.push({ label: label("iban"), value: marked(ibanText, field) });
    bank.push({ label: label("bic"), value: plain(bic) });
    if (docType === "invoice" && rng.chance(0.3)) {
      notes.push(concat(plain(`${loc.transferNote} `), marked(ibanText, "iban")));
    }
  }
  if (docType === "invoice" && rng.chance(0.6)) notes.push(plain(loc.paymentTerms(termsDays)));
  if (docType !== "other" || rng.chance(0.5)) notes.push(plain(rng.pick(loc.notes)));
  if (docType === "other" && rng.chance(0.5)) for (const line of loc.letterBody) notes.push(plain(line));

  const recipientLabel =
    docType === "purchase_order"
      ? label("supplier")
      : docType === "other"
        ? label("shipTo")
        : label("billTo");
  const footer = [`${issuerName} · ${issuerLines.join(" · ")}`];
  if (rng.chance(0.5)) footer.push(vatId);
  return {
    docType,
    title: rng.pick(loc.titles[docType]),
    issuer,
    issuerLines,
    recipientLabel,
    recipient,
    recipientLines: recipient ? addressLines(rng, loc) : [],
    meta: rng.chance(0.3) ? rng.shuffle(meta) : meta,
    items,
    totals,
    notes,
    bank,
    footer,
    repeatOnPage2,
  };
}

const joinLabel = (label: string, value: Piece): Piece => {
  const sep = /[:#°º]$/.test(label) ? " " : ": ";
  return concat(plain(label + sep), value);
};

function placeEntries(
  layout: Layout,
  style: Template["meta"],
  entries: Entry[],
  x: number,
  size: number,
): void {
  if (style === "row-above") {
    // Labels in one row, values in the row below: a small header table, wrapped every 3 columns.
    for (let i = 0; i < entries.length; i += 3) {
      const row = entries.slice(i, i + 3);
      row.forEach((e, j) => {
        const cx = x + j * 0.15;
        layout.add(plain(e.label), cx, layout.y, size - 1, true);
        layout.add(e.value, cx, layout.y + LINE, size);
      });
      layout.y += LINE * 2.6;
    }
    return;
  }
  for (const e of entries) {
    if (style === "inline") {
      layout.add(joinLabel(e.label, e.value), x, layout.y, size);
      layout.y += LINE;
    } else if (style === "cells") {
      layout.add(plain(e.label.replace(/:$/, "")), x, layout.y, size, true);
      layout.add(e.value, x + 0.17, layout.y, size);
      layout.y += LINE;
    } else {
      layout.add(plain(e.label), x, layout.y, size - 1, true);
      layout.add(e.value, x, layout.y + LINE, size);
      layout.y += LINE * 2.3;
    }
  }
}

function place(rng: Prng, layout: Layout, t: Template, c: Content, loc: LocaleSpec): void {
  const size = rng.pick([8, 9, 10]);
  const xOf = (pos: "left" | "right" | "center", width: number): number =>
    pos === "left" ? 0.07 : pos === "right" ? 0.93 - width : 0.5 - width / 2;

  // Issuer block.
  const headSize = size + rng.pick([4, 6, 8]);
  layout.add(c.issuer, xOf(t.vendor, textWidth(c.issuer.text, headSize)), layout.y, headSize, true);
  layout.y += (headSize / PAGE_HEIGHT_PT) * 1.6;
  for (const line of c.issuerLines) {
    layout.add(plain(line), xOf(t.vendor, textWidth(line, size)), layout.y, size);
    layout.y += LINE;
  }
  layout.y += LINE;

  // Title.
  const titleSize = size + 6;
  layout.add(plain(c.title), xOf(t.title, textWidth(c.title, titleSize)), layout.y, titleSize, true);
  layout.y += (titleSize / PAGE_HEIGHT_PT) * 1.8;

  // Recipient and meta, side by side.
  const top = layout.y;
  const metaX = t.meta === "row-above" ? 0.07 : t.metaSide === "right" ? 0.55 : 0.07;
  const recipientX =
    t.meta === "row-above" ? (t.customer === "right" ? 0.55 : 0.07) : t.metaSide === "right" ? 0.07 : 0.55;
  let recipientEnd = top;
  if (c.recipient) {
    layout.y = top;
    if (t.customer === "window") {
      // Address window: a small sender line above, no label.
      layout.add(plain(`${c.issuer.text} · ${c.issuerLines[0] ?? ""}`), recipientX, layout.y, size - 2);
      layout.y += LINE;
    } else if (c.recipientLabel) {
      layout.add(plain(c.recipientLabel), recipientX, layout.y, size, true);
      layout.y += LINE;
    }
    layout.add(c.recipient, recipientX, layout.y, size + (rng.chance(0.3) ? 1 : 0), rng.chance(0.5));
    layout.y += LINE;
    for (const line of c.recipientLines) {
      layout.add(plain(line), recipientX, layout.y, size);
      layout.y += LINE;
    }
    recipientEnd = layout.y;
  }
  layout.y = t.meta === "row-above" ? recipientEnd + LINE : top;
  placeEntries(layout, t.meta, c.meta, metaX, size);
  layout.y = Math.max(layout.y, recipientEnd) + LINE * 1.5;

  // Line items, continued on a second page when long.
  const cols = [0.07, 0.55, 0.66, 0.8];
  const header = TABLE_HEADERS[loc.id];
  const tableHeader = (): void => {
    header.forEach((h, i) => layout.add(plain(h), cols[i] as number, layout.y, size, true));
    layout.y += LINE * 1.3;
  };
  tableHeader();
  for (const row of c.items) {
    if (layout.y > 0.8) {
      layout.add(plain(`${loc.pageWord} ${layout.pages.length} ${loc.ofWord} 2`), 0.85, 0.95, size - 1);
      layout.newPage();
      layout.add(plain(c.issuer.text), 0.07, layout.y, size);
      if (c.repeatOnPage2)
        layout.add(joinLabel(c.repeatOnPage2.label, c.repeatOnPage2.value), 0.55, layout.y, size);
      layout.y += LINE * 2;
      tableHeader();
    }
    row.forEach((cell, i) => layout.add(plain(cell), cols[i] as number, layout.y, size));
    layout.y += LINE;
  }
  layout.y += LINE;

  // Totals, right-hand side.
  for (const e of c.totals) {
    if (t.totals === "cells") {
      layout.add(plain(e.label), 0.58, layout.y, size, e === c.totals[c.totals.length - 1]);
      layout.addRight(e.value, 0.93, layout.y, size);
      layout.y += LINE;
    } else if (t.totals === "inline") {
      layout.add(joinLabel(e.label, e.value), 0.58, layout.y, size);
      layout.y += LINE;
    } else {
      layout.add(plain(e.label), 0.7, layout.y, size - 1, true);
      layout.add(e.value, 0.7, layout.y + LINE, size);
      layout.y += LINE * 2.3;
    }
  }
  layout.y += LINE;

  // Notes and bank details.
  for (const n of c.notes) {
    layout.add(n, 0.07, layout.y, size - 1);
    layout.y += LINE;
  }
  if (c.bank.length > 0) {
    if (t.bank === "notes") {
      layout.y += LINE * 0.5;
      placeEntries(layout, "inline", c.bank, 0.07, size - 1);
    } else if (t.bank === "footer") {
      c.bank.forEach((e, i) => {
        layout.add(plain(e.label), 0.07 + i * 0.3, 0.88, size - 2, true);
        layout.add(e.value, 0.07 + i * 0.3, 0.88 + LINE, size - 2);
      });
    } else {
      const line = c.bank.reduce<Piece>(
        (acc, e, i) => concat(acc, plain(i > 0 ? " · " : ""), joinLabel(e.label, e.value)),
        plain(""),
      );
      layout.add(line, 0.07, 0.9, size - 2);
    }
  }
  c.footer.forEach((f, i) => layout.add(plain(f), 0.07, 0.93 + i * LINE * 0.9, size - 2));
  if (layout.pages.length > 1)
    layout.add(
      plain(`${loc.pageWord} ${layout.pages.length} ${loc.ofWord} ${layout.pages.length}`),
      0.85,
      0.97,
      size - 1,
    );
}

/** Item width as a page fraction, from an average glyph width (used by renderers without font metrics). */
export const itemWidth = (item: SynthItem): number => textWidth(item.text, item.size);
export const itemHeight = (item: SynthItem): number => (item.size * 1.2) / PAGE_HEIGHT_PT;
