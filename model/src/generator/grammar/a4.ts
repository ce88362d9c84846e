// A4 business documents of the layout grammar: blocks (letterhead, sender line, parties, meta,
// line items, totals, payment, footer) placed by rules that a family constrains.
import type { FieldName } from "@docsift/core";
import { PAGE_HEIGHT_PT, type SynthPage } from "../types.js";
import { buildAmounts, type Amounts } from "./amounts.js";
import {
  concat,
  fill,
  Layout,
  plain,
  rangeFloat,
  rangeInt,
  textWidth,
  type Ctx,
  type Piece,
} from "./core.js";
import { formatNumber, formatRate } from "./format.js";
import { CURRENCY_MARKS } from "./locales.js";
import {
  addressLines,
  BICS,
  companyName,
  documentNumber,
  generateIban,
  groupIban,
  personName,
} from "./values.js";
import type { WordKey } from "./words.js";

interface Entry {
  label: string;
  value: Piece;
  bold?: boolean;
}

interface Party {
  label: string | undefined;
  lines: Piece[];
}

const UNITS: Record<string, string[]> = {
  en: ["pcs", "h", "ea", "kg"],
  de: ["Stk.", "Std.", "St", "kg"],
  fr: ["u", "h", "pce", "kg"],
  es: ["u", "h", "pza", "kg"],
  nl: ["st.", "uur", "stk", "kg"],
  it: ["pz", "ore", "n.", "kg"],
  pt: ["uds", "h", "cx", "kg"],
  pl: ["szt", "godz.", "kpl.", "kg"],
};

const NUMBER_KEY: Record<string, WordKey | undefined> = {
  invoice: "inv",
  credit_note: "cn",
  quote: "quo",
  delivery_note: "dn",
  order_confirmation: "oc",
  purchase_order: "po",
  statement: "st",
  receipt: "rcpt",
  other: "inv",
  letter: undefined,
};

const NUMBER_PREFIX: Record<string, string[]> = {
  invoice: ["INV", "RE", "F", "FAC", "FT", "FV"],
  credit_note: ["CN", "GS", "AV", "NC"],
  quote: ["Q", "AN", "DEV", "PRE", "OF"],
  delivery_note: ["DN", "LS", "BL", "ALB", "DDT"],
  order_confirmation: ["SO", "AB", "OC", "CMD"],
  purchase_order: ["PO", "BE", "BC", "OC"],
  statement: ["ST", "KA", "REL"],
  receipt: ["R", "Q", "T"],
  other: ["PF", "PRO"],
  letter: ["L"],
};

export function buildA4(ctx: Ctx): SynthPage[] {
  const { rng, loc, rules, docType } = ctx;
  const layout = new Layout();
  const size = rangeInt(rng, rules.baseSize);
  const lh = (size * rangeFloat(rng, rules.spacing)) / PAGE_HEIGHT_PT;
  const upper = rng.chance(rules.labelUpper);
  const w = (key: WordKey): string => ctx.word(key, upper);
  const L = rng.pick([0.06, 0.07, 0.08, 0.1]);
  const R = 1 - rng.pick([0.06, 0.07, 0.08]);
  const year = rng.int(2019, 2026);
  const issueDate = new Date(Date.UTC(year, rng.int(0, 11), rng.int(1, 28)));
  const addDays = (d: Date, n: number): Date => new Date(d.getTime() + n * 86_400_000);

  // --- Parties.
  const issuerField: FieldName = docType === "purchase_order" ? "customerName" : "vendorName";
  const recipientField: FieldName = docType === "purchase_order" ? "vendorName" : "customerName";
  const issuer = companyName(rng, loc, ctx.split);
  const issuerAddr = addressLines(rng, loc);
  const issuerName = (): Piece => ctx.mark(issuerField, issuer.legal, issuer.legal);
  const personOnly = docType !== "purchase_order" && rng.chance(0.2);
  const recipientCompany = personOnly ? undefined : companyName(rng, loc, ctx.split).legal;
  const contact = personName(rng, ctx.split);
  const recipientValue = recipientCompany ?? contact;
  const recipientAddr = addressLines(rng, loc);
  const recipientName = (): Piece => ctx.mark(recipientField, recipientValue, recipientValue);
  const phone = `${loc.phonePrefix} ${rng.int(10, 99)} ${rng.int(100, 999)} ${rng.int(1000, 9999)}`;
  const web = `www.${issuer.brand.toLowerCase().replace(/[^a-z]/g, "")}.${rng.pick(["com", "eu", "net", loc.ibanCountry?.toLowerCase() ?? "com"])}`;
  const letters = (n: number): string =>
    Array.from({ length: n }, () => String.fromCharCode(65 + rng.int(0, 25))).join("");
  const vatId =
    loc.id === "en-IN"
      ? `${loc.vatPrefix}${rng.int(10, 36)}${letters(5)}${rng.int(1000, 9999)}${letters(1)}1Z${rng.int(0, 9)}`
      : `${loc.vatPrefix}${rng.int(100000000, 999999999)}`;
  const vatLabel = /[A-Z]{2}$/.test(loc.vatPrefix) ? `${VAT_LABEL[loc.lang] ?? "VAT No."} ` : "";
  const regNo = `${rng.pick(loc.regLabels)} ${rng.int(10000, 999999)}`;

  const recipientBlock = (): Piece[] => {
    const out: Piece[] = [];
    const attn = rng.chance(0.5) ? `${w("attn")} ${contact}` : contact;
    if (recipientCompany) {
      const contactFirst = rng.chance(0.3);
      if (contactFirst && rng.chance(0.7)) out.push(plain(contact));
      out.push(recipientName());
      if (!contactFirst && rng.chance(0.4)) out.push(plain(attn));
    } else out.push(recipientName());
    for (const a of recipientAddr) out.push(plain(a));
    if (rng.chance(0.25))
      out.push(
        plain(
          `${w("email")} ${contact.split(" ")[0]?.toLowerCase() ?? "info"}@example.${rng.pick(["com", "org", "net"])}`,
        ),
      );
    return out;
  };
  const recipientLabelKey: WordKey =
    docType === "purchase_order" ? "supplier" : docType === "delivery_note" ? "shipTo" : "billTo";

  // --- Amounts and table content.
  const marks = CURRENCY_MARKS[ctx.money.currency] ?? { decimals: 2, roundTo: 1, symbols: [] };
  const unit = marks.decimals === 0 ? 100 : 1;
  const nonZero = loc.taxRates.filter((r) => r > 0);
  const zeroTax = loc.taxRates.includes(0) && rng.chance(0.08);
  const rates = zeroTax
    ? [0]
    : nonZero.length > 1 && loc.id !== "en-US" && rng.chance(0.25)
      ? nonZero.slice(0, 2)
      : [rng.pick(nonZero)];
  const splitHalves = loc.id === "en-IN" && ctx.taxWord === "GST" && rng.chance(0.6);
  const longTable = rng.chance(0.15);
  const inclusive = loc.id !== "en-US" && !zeroTax && rng.chance(0.15);
  // Swiss invoices often round the payable amount to 5 centimes.
  const cashRoundTo = !inclusive && ctx.money.currency === "CHF" && rng.chance(0.35) ? 5 : 1;
  const amounts: Amounts = buildAmounts(rng, {
    lineCount: longTable ? rng.int(18, 45) : rng.int(1, 8),
    items: loc.items,
    units: UNITS[loc.lang] ?? ["pcs"],
    rates,
    unit,
    inclusive,
    discount: rng.chance(0.15),
    shipping: rng.chance(0.2),
    splitHalves,
    cashRoundTo,
    small: false,
  });
  const fmt = (c: number): string => formatNumber(c, ctx.money.number, ctx.money.decimals);
  const priced = docType !== "delivery_note" || rng.chance(0.3);
  const hasTable = docType !== "letter";

  // --- Meta entries.
  const meta: Entry[] = [];
  const numKey = NUMBER_KEY[docType];
  const numberValue = documentNumber(rng, NUMBER_PREFIX[docType] ?? ["D"], year);
  const numberField: FieldName | undefined =
    docType === "purchase_order"
      ? "purchaseOrderNumber"
      : ctx.carries("invoiceNumber")
        ? "invoiceNumber"
        : undefined;
  const numberPiece = (): Piece => ctx.mark(numberField, numberValue, numberValue);
  if (numKey && (docType !== "receipt" || rng.chance(0.8)))
    meta.push({ label: w(numKey), value: numberPiece() });
  const dateWords = docType === "invoice" ? undefined : "generic";
  const dateLabel = dateWords ? genericDate(ctx) : w("date");
  const dateField: FieldName | undefined = ctx.carries("invoiceDate") ? "invoiceDate" : undefined;
  const showDateInMeta = docType !== "letter" || rng.chance(0.3);
  if (showDateInMeta)
    meta.push({
      label: upper ? dateLabel.toUpperCase() : dateLabel,
      value: ctx.dateOf(issueDate, dateField),
    });
  if (rng.chance(0.4))
    meta.push({ label: w("custNo"), value: plain(documentNumber(rng, ["C", "K", "CL", "D"], year)) });
  const poRef = documentNumber(rng, ["PO", "BE", "OC", "PED", "ORD"], year);
  if (docType !== "purchase_order" && docType !== "letter" && rng.chance(0.4))
    meta.push({ label: w("ref"), value: ctx.mark("purchaseOrderNumber", poRef, poRef) });
  if (
    (docType === "delivery_note" || docType === "invoice" || docType === "order_confirmation") &&
    rng.chance(0.4)
  )
    meta.push({ label: w("delivDate"), value: plain(ctx.date(addDays(issueDate, rng.int(-10, 14)))) });
  if (docType === "quote" && rng.chance(0.5))
    meta.push({ label: w("validUntil"), value: plain(ctx.date(addDays(issueDate, rng.pick([14, 30, 60])))) });
  const dueDate = addDays(issueDate, rng.pick([7, 10, 14, 30, 45, 60]));
  const dueMode =
    docType === "invoice" ? rng.pick(["meta", "meta", "sentence", "sentence", "none"] as const) : "none";
  if (dueMode === "meta") meta.push({ label: w("due"), value: ctx.dateOf(dueDate, "dueDate") });
  if (rng.chance(0.25)) rng.shuffle(meta);

  // --- Header (letterhead / brand).
  const header = rng.pick(rules.headers);
  const brandSize = rangeInt(rng, rules.brandSize);
  const logo = rng.chance(0.7);
  const issuerLines = [
    ...issuerAddr,
    ...(rng.chance(0.5) ? [`${w("phone")} ${phone}`] : []),
    ...(rng.chance(0.3) ? [web] : []),
  ];
  const small = Math.max(6, size - 1);
  let y = 0.04;
  if (header === "brand-right" || header === "brand-center") {
    const center = header === "brand-center";
    const put = (p: Piece, sz: number, bold = false): void => {
      if (center) layout.addCenter(p, 0.5, y, sz, bold);
      else layout.addRight(p, R, y, sz, bold);
      y += (sz * 1.35) / PAGE_HEIGHT_PT;
    };
    if (logo) put(plain(issuer.brand), brandSize, true);
    put(issuerName(), logo ? size + 1 : brandSize, !logo || rng.chance(0.5));
    if (center) put(plain(issuerLines.join(" · ")), small);
    else for (const line of issuerLines) put(plain(line), small);
  } else if (header === "brand-big-left") {
    if (logo) {
      layout.add(plain(issuer.brand), L, y, brandSize, true);
      y += (brandSize * 1.3) / PAGE_HEIGHT_PT;
    }
    layout.add(issuerName(), L, y, logo ? size : brandSize, !logo);
    y += ((logo ? size : brandSize) * 1.4) / PAGE_HEIGHT_PT;
  } else if (header === "small-left") {
    layout.add(issuerName(), L, y, size + 2, true);
    y += ((size + 2) * 1.4) / PAGE_HEIGHT_PT;
    for (const line of issuerLines) {
      layout.add(plain(line), L, y, small);
      y += lh;
    }
    if (rng.chance(0.5)) {
      layout.add(plain(`${vatLabel}${vatId}`), L, y, small);
      y += lh;
    }
  }
  y += lh;

  // --- Title.
  const titleSize = rangeInt(rng, rules.titleSize);
  let titleText = docType === "letter" ? undefined : ctx.title();
  if (titleText && rng.chance(0.3)) titleText = titleText.toUpperCase();
  const titlePos = rng.pick(rules.title);
  const putTitle = (at: number): void => {
    if (!titleText) return;
    const withNumber = numKey !== undefined && rng.chance(0.25);
    const p = withNumber ? concat(plain(`${titleText} `), numberPiece()) : plain(titleText);
    if (titlePos === "left") layout.add(p, L, at, titleSize, true);
    else if (titlePos === "right") layout.addRight(p, R, at, titleSize, true);
    else layout.addCenter(p, 0.5, at, titleSize, true);
  };

  const metaWidth = (entries: Entry[]): number =>
    Math.max(...entries.map((e) => textWidth(e.label, size) + textWidth(e.value.text, size) + 0.02), 0.2);
  const placeMeta = (style: string, x: number, top: number): number => {
    let my = top;
    if (style === "header-row" || style === "above") {
      const cell = Math.max(
        ...meta.map((e) => Math.max(textWidth(e.label, small, true), textWidth(e.value.text, size)) + 0.03),
      );
      const perRow = Math.max(1, Math.min(style === "header-row" ? 4 : 2, Math.floor((R - x) / cell)));
      const colW = Math.max(cell, (R - x) / perRow);
      for (let i = 0; i < meta.length; i += perRow) {
        meta.slice(i, i + perRow).forEach((e, j) => {
          layout.add(plain(e.label), x + j * colW, my, small, true);
          layout.add(e.value, x + j * colW, my + lh, size);
        });
        my += lh * 2.4;
      }
      return my;
    }
    if (style === "right-kv") {
      const valueRight = R;
      const labelRight = R - Math.max(...meta.map((e) => textWidth(e.value.text, size)), 0.08) - 0.02;
      for (const e of meta) {
        layout.addRight(
          plain(e.label.endsWith(":") ? e.label : `${e.label}:`),
          labelRight,
          my,
          size,
          rng.chance(0.3),
        );
        layout.addRight(e.value, valueRight, my, size);
        my += lh;
      }
      return my;
    }
    // left-label: "Label   value" in two aligned columns.
    const valueX = x + Math.max(...meta.map((e) => textWidth(e.label, size, true))) + 0.02;
    for (const e of meta) {
      layout.add(plain(e.label), x, my, size, rng.chance(0.2));
      layout.add(e.value, valueX, my, size);
      my += lh;
    }
    return my;
  };

  const arrangement = rng.pick(rules.parties);
  const metaStyle = rng.pick(rules.meta);
  const labelled = rng.chance(0.6);
  if (arrangement === "window") {
    // Address window at the left, small sender line above it; meta at the right.
    const top = Math.max(y, 0.16);
    let ay = top;
    if (rng.chance(0.85)) {
      const sender = concat(issuerName(), plain(` · ${issuerAddr.join(" · ")}`));
      layout.add(sender, L, ay, Math.max(6, size - 2));
      ay += lh * 1.2;
    }
    for (const p of recipientBlock()) {
      layout.add(p, L, ay, size);
      ay += lh;
    }
    const mx = metaStyle === "right-kv" ? R : Math.max(0.55, R - metaWidth(meta));
    const my = placeMeta(metaStyle, mx, top);
    y = Math.max(ay, my) + lh * 1.5;
    if (docType === "letter" || rng.chance(0.3)) {
      // "Köln, 1. Dezember 2022": the place and the document date, marked like the meta date.
      const place =
        loc.id === "en-GB"
          ? (issuerAddr[1] ?? "")
          : loc.id === "en-US"
            ? (issuerAddr[1] ?? "").replace(/,.*$/, "")
            : (issuerAddr[issuerAddr.length - 1] ?? "").replace(/^[\d\- A-Z]+ /, "");
      layout.addRight(concat(plain(`${place}, `), ctx.dateOf(issueDate, dateField)), R, y, size);
      y += lh * 1.5;
    }
    putTitle(y);
    y += (titleSize * 1.8) / PAGE_HEIGHT_PT;
  } else if (arrangement === "two-columns") {
    // Title in the brand's row at the right when both fit, else below the header.
    const titleW = textWidth(`${titleText ?? ""} ${numberValue}`, titleSize);
    const brandW = Math.max(
      textWidth(issuer.brand, brandSize),
      textWidth(issuer.legal, logo ? size : brandSize),
    );
    if (titlePos === "right" && L + brandW + titleW + 0.05 < R) {
      putTitle(0.04);
      y = Math.max(y, 0.04 + (titleSize * 1.6) / PAGE_HEIGHT_PT) + lh;
    } else {
      putTitle(y);
      y += (titleSize * 1.6) / PAGE_HEIGHT_PT + lh;
    }
    y = placeMeta(metaStyle, L, y) + lh;
    const issuerFirst = rng.chance(0.6);
    const cols: Party[] = [
      { label: labelled ? w("from") : undefined, lines: [issuerName(), ...issuerAddr.map(plain)] },
      { label: labelled || rng.chance(0.5) ? w(recipientLabelKey) : undefined, lines: recipientBlock() },
    ];
    if (!issuerFirst) cols.reverse();
    let maxY = y;
    const firstW = Math.max(
      ...(cols[0] as Party).lines.map((p, k) => textWidth(p.text, k === 0 ? size + 1 : size, k === 0)),
    );
    const secondX = Math.max(0.52, L + firstW + 0.04);
    cols.forEach((c, i) => {
      let cy = y;
      const x = i === 0 ? L : secondX;
      if (c.label) {
        layout.add(plain(c.label), x, cy, small, true);
        cy += lh;
      }
      c.lines.forEach((p, k) => {
        layout.add(p, x, cy, k === 0 ? size + 1 : size, k === 0);
        cy += lh;
      });
      maxY = Math.max(maxY, cy);
    });
    y = maxY + lh * 1.5;
  } else {
    // stacked / side-by-side: recipient left, meta right; title above or between.
    if (arrangement === "stacked") {
      putTitle(y);
      y += (titleSize * 1.6) / PAGE_HEIGHT_PT;
    }
    const top = y;
    let ry = top;
    if (header === "none") {
      if (labelled) {
        layout.add(plain(w("from")), L, ry, small, true);
        ry += lh;
      }
      layout.add(issuerName(), L, ry, size, true);
      ry += lh;
      for (const a of issuerAddr) {
        layout.add(plain(a), L, ry, size);
        ry += lh;
      }
      ry += lh * 0.5;
    }
    if (labelled) {
      layout.add(plain(w(recipientLabelKey)), L, ry, small, true);
      ry += lh;
    }
    for (const p of recipientBlock()) {
      layout.add(p, L, ry, size);
      ry += lh;
    }
    const mx = metaStyle === "right-kv" ? R : Math.max(0.55, R - metaWidth(meta));
    const my = placeMeta(
      metaStyle === "header-row" ? "left-label" : metaStyle,
      mx,
      arrangement === "side-by-side" ? Math.max(0.04, top - lh * 3) : top,
    );
    y = Math.max(ry, my) + lh * 1.5;
    if (arrangement === "side-by-side") {
      putTitle(y);
      y += (titleSize * 1.6) / PAGE_HEIGHT_PT;
    }
  }

  // --- Footer (drawn on every page for the letterhead family, on the last page otherwise).
  const bankCountry = loc.ibanCountry && ctx.money.currency === "CHF" ? "CH" : loc.ibanCountry;
  const iban = bankCountry ? generateIban(rng, bankCountry) : undefined;
  const ibanText = iban ? (rng.chance(0.75) ? groupIban(iban) : iban) : undefined;
  const bic = bankCountry ? rng.pick(BICS[bankCountry] ?? ["XXXXXX"]) : undefined;
  const bankName = rng.pick([
    "Sparkasse",
    "Deutsche Bank",
    "BNP Paribas",
    "Santander",
    "ING",
    "Intesa Sanpaolo",
    "Millennium bcp",
    "PKO BP",
    "Barclays",
    "UBS",
    "SEB",
  ]);
  const ibanField: FieldName | undefined = ctx.carries("iban") ? "iban" : undefined;
  const ibanPiece = (): Piece => (iban && ibanText ? ctx.mark(ibanField, iban, ibanText) : plain(""));
  const paymentStyle = rng.pick(rules.payment);
  const showBank = docType !== "receipt" && (ctx.carries("iban") || rng.chance(0.5));
  const accountLine = (): Piece[] =>
    iban
      ? [
          plain(`${w("bank")}: ${bankName}`),
          concat(plain(`${w("iban")}: `), ibanPiece()),
          plain(`${w("bic")}: ${bic}`),
        ]
      : [
          plain(`${w("bank")}: ${bankName}`),
          plain(`A/C No. ${rng.int(10000000, 99999999)}${rng.int(100, 999)}`),
          plain(
            loc.id === "en-IN"
              ? `IFSC: ${bankName.slice(0, 4).toUpperCase()}0${rng.int(100000, 999999)}`
              : loc.id === "en-US"
                ? `Routing no. ${rng.int(100000000, 399999999)}`
                : `SWIFT: ${bankName.slice(0, 4).toUpperCase()}MYKL`,
          ),
        ];
  const footerColumns: Piece[][] = [
    [issuerName(), ...issuerAddr.map(plain)],
    [plain(`${w("phone")} ${phone}`), plain(web)],
    [plain(`${vatLabel}${vatId}`), plain(regNo)],
  ];
  if (showBank && paymentStyle === "footer-columns") footerColumns.push(accountLine());
  const footerAsLine = rules.id === "modern" || rng.chance(0.3);
  const footerFs = Math.max(6, small - 1);
  // Footer lines: the pieces joined with " · ", wrapped to the text width.
  const footerLines: Piece[] = [];
  for (const p of footerColumns.flat()) {
    const last = footerLines[footerLines.length - 1];
    if (last && textWidth(`${last.text} · ${p.text}`, footerFs) <= R - L) {
      footerLines[footerLines.length - 1] = concat(last, plain(" · "), p);
    } else footerLines.push(p);
  }
  const footerTop = footerAsLine
    ? 0.975 - footerLines.length * ((footerFs * 1.3) / PAGE_HEIGHT_PT) - 0.012
    : 0.97 - Math.max(...footerColumns.map((c) => c.length)) * ((small * 1.25) / PAGE_HEIGHT_PT);
  const drawFooter = (): void => {
    const fs = footerFs;
    if (footerAsLine) {
      footerLines.forEach((line, i) =>
        layout.addCenter(line, 0.5, footerTop + (i * fs * 1.3) / PAGE_HEIGHT_PT, fs),
      );
      return;
    }
    // Columns as wide as their widest line, spread over the page width.
    const colWidths = footerColumns.map((col) => Math.max(...col.map((p) => textWidth(p.text, fs))));
    const spare =
      Math.max(0, R - L - colWidths.reduce((a, b) => a + b, 0)) / Math.max(1, footerColumns.length - 1);
    const colX = colWidths.map((_, i) => L + colWidths.slice(0, i).reduce((a, b) => a + b + spare, 0));
    footerColumns.forEach((col, i) =>
      col.forEach((p, k) =>
        layout.add(p, colX[i] as number, footerTop + (k * fs * 1.25) / PAGE_HEIGHT_PT, fs),
      ),
    );
  };
  const bottom = footerTop - lh * 2;

  // --- Line-item table.
  const columns = rng
    .pick(rules.columns)
    .filter((c) => priced || (c !== "unitPrice" && c !== "amount" && c !== "taxRate"))
    .filter((c) => docType !== "statement" || c === "desc" || c === "amount" || c === "pos");
  const colLabel: Record<string, string> = {
    pos: rng.pick(["Pos.", "#", "No.", "Nr."]),
    desc: w("desc"),
    qty: w("qty"),
    unit: w("unit"),
    unitPrice: w("unitPrice"),
    taxRate: w("taxRate"),
    amount: w("amount"),
  };
  if (ctx.money.where === "none" && rng.chance(0.7))
    colLabel.amount = `${colLabel.amount} (${ctx.money.mark})`;
  const numeric = new Set(["qty", "unitPrice", "taxRate", "amount"]);
  if (docType === "statement")
    // A statement lists the open invoices instead of articles.
    amounts.lines.forEach((l, i) => {
      l.desc = `${documentNumber(rng, ["INV", "RE", "F"], year)}  ${ctx.date(addDays(issueDate, -10 * (i + 1)))}`;
      l.detail = undefined;
    });
  const cellText = (c: string, l: Amounts["lines"][number], idx: number): string =>
    c === "pos"
      ? String(idx + 1)
      : c === "desc"
        ? l.desc
        : c === "qty"
          ? String(l.qty)
          : c === "unit"
            ? l.unit
            : c === "unitPrice"
              ? fmt(l.unitPrice)
              : c === "taxRate"
                ? `${String(l.rate).replace(".", ctx.money.number.decimal)}%`
                : fmt(l.amount);
  // Column widths from their widest cell; the description takes what is left.
  const gap = 0.02;
  const widths: Record<string, number> = {};
  for (const c of columns)
    widths[c] =
      Math.max(
        textWidth(colLabel[c] as string, size, true),
        ...amounts.lines.map((l, idx) => textWidth(cellText(c, l, idx), size)),
      ) + gap;
  const others = columns.filter((c) => c !== "desc").reduce((a, c) => a + (widths[c] as number), 0);
  if (columns.includes("desc")) widths.desc = Math.max(widths.desc as number, R - L - others);
  const totalW = columns.reduce((a, c) => a + (widths[c] as number), 0);
  const scale = Math.min(1, (R - L) / totalW);
  const colX: number[] = [];
  columns.reduce((x, c) => {
    colX.push(x);
    return x + (widths[c] as number) * scale;
  }, L);
  const rightAlign = rng.chance(0.7);
  const cellAt = (i: number, p: Piece, cy: number, bold = false): void => {
    const c = columns[i] as string;
    const x = colX[i] as number;
    const cw = (widths[c] as number) * scale;
    if (numeric.has(c) && rightAlign) layout.addRight(p, x + cw - gap, cy, size, bold);
    else layout.add(p, x, cy, size, bold);
  };
  const tableHeader = (): void => {
    columns.forEach((c, i) => cellAt(i, plain(colLabel[c] as string), y, true));
    y += lh * 1.3;
  };
  const continuedHeader = (): void => {
    layout.newPage(0.05);
    y = 0.05;
    const parts: Piece[] = [issuerName()];
    if (numKey) parts.push(plain(` – ${titleText ?? ""} `), numberPiece());
    layout.add(concat(...parts), L, y, small);
    y += lh * 2;
  };
  if (hasTable) {
    tableHeader();
    amounts.lines.forEach((l, idx) => {
      if (y > bottom - lh * 2) {
        layout.add(plain("…"), R - 0.03, y, small);
        if (rules.id === "letterhead") drawFooter();
        continuedHeader();
        tableHeader();
      }
      columns.forEach((c, i) => cellAt(i, plain(cellText(c, l, idx)), y));
      y += lh;
      if (l.detail && columns.includes("desc")) {
        layout.add(plain(l.detail), colX[columns.indexOf("desc")] as number, y, small);
        y += lh;
      }
    });
    y += lh * 0.8;
  }

  // --- Totals.
  const totals: Entry[] = [];
  const rateSpaced = rng.chance(0.5);
  const ratePrint = (r: number): string => formatRate(r, ctx.money.number, rateSpaced);
  const taxLabel = (r: number | undefined): string => {
    const t = w("tax");
    if (r === undefined) return t.replace(/\s*(?:@|à taxa de|à|al)?\s*\(?\{r\}\)?/, "").trim();
    return t.includes("{r}") ? t.replace("{r}", ratePrint(r)) : `${t} ${ratePrint(r)}`;
  };
  const showTotals = hasTable && priced;
  if (showTotals) {
    const singleRate = amounts.taxes.length === 1;
    const taxLines = (): void => {
      for (const t of amounts.taxes) {
        if (t.halves) {
          const halfRate = t.rate / 2;
          totals.push({ label: `CGST ${ratePrint(halfRate)}`, value: ctx.amount(t.halves[0], undefined) });
          totals.push({ label: `SGST ${ratePrint(halfRate)}`, value: ctx.amount(t.halves[1], undefined) });
        } else
          totals.push({
            label: taxLabel(t.rate),
            value: ctx.amount(t.tax, singleRate ? "taxAmount" : undefined),
          });
      }
      if (!singleRate || amounts.taxes[0]?.halves) {
        if (rng.chance(0.7))
          totals.push({ label: taxLabel(undefined), value: ctx.amount(amounts.tax, "taxAmount") });
      }
    };
    if (amounts.discount > 0 || amounts.shipping > 0) {
      totals.push({ label: w("subtotal"), value: ctx.amount(amounts.linesSum, undefined) });
      if (amounts.discount > 0)
        totals.push({
          label: `${w("discount")} ${amounts.discountPct} %`,
          value: ctx.amount(-amounts.discount, undefined),
        });
      if (amounts.shipping > 0)
        totals.push({ label: w("shipping"), value: ctx.amount(amounts.shipping, undefined) });
    }
    if (amounts.inclusive) {
      if (amounts.discount > 0 || amounts.shipping > 0 || rng.chance(0.5))
        totals.push({ label: w("net"), value: ctx.amount(amounts.net, "subtotal") });
      totals.push({
        label: w("totalIncl"),
        value: ctx.amount(amounts.total, "totalAmount", true),
        bold: true,
      });
      for (const t of amounts.taxes) {
        const o = w("ofWhich");
        totals.push({
          label: o.includes("{r}") ? o.replace("{r}", ratePrint(t.rate)) : o,
          value: ctx.amount(t.tax, singleRate ? "taxAmount" : undefined),
        });
      }
    } else {
      totals.push({
        label: amounts.discount > 0 || amounts.shipping > 0 || rng.chance(0.5) ? w("net") : w("subtotal"),
        value: ctx.amount(amounts.net, "subtotal"),
      });
      taxLines();
      const rounded = amounts.roundingAdj !== 0;
      totals.push({
        label: docType === "statement" ? w("balance") : w("total"),
        value: ctx.amount(amounts.total, rounded ? undefined : "totalAmount", true),
        bold: !rounded,
      });
      if (rounded) {
        // The amount actually payable is the rounded one.
        totals.push({ label: w("rounding"), value: ctx.amount(amounts.roundingAdj, undefined) });
        totals.push({
          label: w("amountDue"),
          value: ctx.amount(amounts.rounded, "totalAmount", true),
          bold: true,
        });
      }
    }
    if (docType === "invoice" && amounts.roundingAdj === 0 && rng.chance(0.3))
      totals.push({
        label: w("amountDue"),
        value: ctx.amount(amounts.total, "totalAmount", true),
        bold: true,
      });
  }
  if (totals.length > 0) {
    if (y + totals.length * lh > bottom) {
      if (rules.id === "letterhead") drawFooter();
      continuedHeader();
    }
    const boxed = rng.chance(0.5);
    const widest = (f: (e: Entry) => string, sz: number): number =>
      Math.max(...totals.map((e) => textWidth(f(e), sz, true)));
    const labelX = Math.min(
      rng.pick([0.55, 0.6, 0.5]),
      R - widest((e) => e.value.text, size + 1) - widest((e) => e.label, size + 1) - 0.03,
    );
    const labelRight = R - widest((e) => e.value.text, size + 1) - 0.02;
    for (const e of totals) {
      const bold = e.bold === true && rng.chance(0.8);
      const sz = bold && rng.chance(0.4) ? size + 1 : size;
      if (boxed) {
        layout.add(plain(e.label), labelX, y, sz, bold);
        layout.addRight(e.value, R, y, sz, bold);
      } else {
        layout.addRight(plain(e.label.endsWith(":") ? e.label : `${e.label}:`), labelRight, y, sz, bold);
        layout.addRight(e.value, R, y, sz, bold);
      }
      y += lh * (bold ? 1.3 : 1);
    }
    y += lh;
  }

  // --- Notes, payment and closing sentences.
  const notes: Piece[] = [];
  if (docType === "letter") {
    notes.push(plain(w("subject")));
    notes.push(plain(""));
    const addressee = recipientCompany ? plain(contact) : recipientName();
    notes.push(
      loc.lang === "en" ? concat(plain("Dear "), addressee, plain(",")) : plain(SALUTATION[loc.lang] ?? ""),
    );
    notes.push(plain(w("letter")));
    notes.push(plain(w("letter")));
    notes.push(plain(""));
    notes.push(plain(REGARDS[loc.lang] ?? "Kind regards"));
    notes.push(plain(personName(rng, ctx.split)));
  }
  if (docType === "quote")
    notes.push(fill(w("valid"), { d: ctx.date(addDays(issueDate, rng.pick([14, 30, 60]))) }));
  if (docType === "order_confirmation" || docType === "quote" || docType === "other")
    if (rng.chance(0.6)) notes.push(fill(w("terms"), { n: String(rng.pick([14, 30, 45])) }));
  if (docType === "credit_note" && showTotals && rng.chance(0.6))
    notes.push(fill(w("credited"), { amt: ctx.amount(amounts.rounded, "totalAmount", true, true) }));
  if (dueMode === "sentence") notes.push(fill(w("dueSentence"), { d: ctx.dateOf(dueDate, "dueDate") }));
  const bankInSentence = showBank && paymentStyle === "sentence" && iban !== undefined;
  if (bankInSentence) {
    const withAmount = showTotals && ctx.carries("totalAmount") && rng.chance(0.4);
    notes.push(
      withAmount
        ? fill(w("payAmt"), {
            amt: ctx.amount(amounts.rounded, "totalAmount", true, true),
            iban: ibanPiece(),
          })
        : fill(w("pay"), { iban: ibanPiece(), bic: bic ?? "" }),
    );
  }
  if (docType === "invoice" && dueMode !== "sentence" && rng.chance(0.4))
    notes.push(fill(w("terms"), { n: String(rng.pick([14, 30, 45])) }));
  if (rng.chance(0.5)) notes.push(plain(w("thanks")));
  const bankLabelled =
    showBank &&
    (paymentStyle === "labelled" ||
      (paymentStyle === "sentence" && !iban) ||
      (paymentStyle === "sentence" && rng.chance(0.3)));
  const noteLines = notes.length + (bankLabelled ? 3 : 0);
  if (y + noteLines * lh > bottom) {
    if (rules.id === "letterhead") drawFooter();
    continuedHeader();
  }
  for (const n of notes) {
    layout.add(n, L, y, docType === "letter" ? size : small);
    y += lh;
  }
  if (bankLabelled) {
    y += lh * 0.5;
    for (const p of accountLine()) {
      layout.add(p, L, y, small);
      y += lh;
    }
  }
  drawFooter();

  // --- Page numbers.
  const n = layout.pages.length;
  if (n > 1 || rng.chance(0.3)) {
    const pageWording = ctx.word("page");
    for (const page of layout.pages) {
      const text = pageWording.replace("{p}", String(page.number)).replace("{n}", String(n));
      page.items.push({
        text,
        x: R - textWidth(text, small),
        y: 0.985 - (small * 1.2) / PAGE_HEIGHT_PT,
        size: small,
        bold: false,
        spans: [],
      });
    }
  }
  return layout.pages;
}

/** A date label that does not say "invoice date" on documents that are not invoices. */
function genericDate(ctx: Ctx): string {
  return ctx.split === "heldout" ? ctx.word("date") : (GENERIC_DATE[ctx.lang] ?? "Date");
}

const GENERIC_DATE: Record<string, string> = {
  en: "Date",
  de: "Datum",
  fr: "Date",
  es: "Fecha",
  nl: "Datum",
  it: "Data",
  pt: "Data",
  pl: "Data",
};

const VAT_LABEL: Record<string, string> = {
  en: "VAT No.",
  de: "USt-IdNr.",
  fr: "N° TVA",
  es: "NIF-IVA",
  nl: "BTW-nr.",
  it: "P. IVA",
  pt: "NIF",
  pl: "NIP",
};

const SALUTATION: Record<string, string> = {
  de: "Sehr geehrte Damen und Herren,",
  fr: "Madame, Monsieur,",
  es: "Estimados señores:",
  nl: "Geachte heer/mevrouw,",
  it: "Gentili Signori,",
  pt: "Exmos. Senhores,",
  pl: "Szanowni Państwo,",
};

const REGARDS: Record<string, string> = {
  en: "Kind regards",
  de: "Mit freundlichen Grüßen",
  fr: "Cordialement",
  es: "Atentamente",
  nl: "Met vriendelijke groet",
  it: "Cordiali saluti",
  pt: "Com os melhores cumprimentos",
  pl: "Z poważaniem",
};
