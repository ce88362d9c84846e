// Layout-grammar document generator: documents whose blocks are placed by rules (constrained per
// family) instead of fixed templates. Same SyntheticDocument shape as the template generator.
import { DOCUMENT_TYPES, type DocumentType } from "@docsift/core";
import { deriveSeed, Prng } from "../prng.js";
import type { LocaleId, Split, SyntheticDocument } from "../types.js";
import { buildA4 } from "./a4.js";
import { Ctx, weighted } from "./core.js";
import { FAMILY_RULES, GRAMMAR_FAMILIES, type GrammarFamily } from "./families.js";
import { pickDateFormat, pickMoneyStyle } from "./format.js";
import { GRAMMAR_LOCALES, LOCALE_SPECS, type GrammarLocale } from "./locales.js";
import { buildReceipt } from "./receipt.js";
import { onlyMarked } from "../pieces.js";

export { GRAMMAR_FAMILIES, FAMILY_RULES, type GrammarFamily } from "./families.js";
export { GRAMMAR_LOCALES, type GrammarLocale } from "./locales.js";
export { RECEIPT_MAX_COLUMNS } from "./receipt.js";

export interface GrammarOptions {
  family?: GrammarFamily;
  /** Families to draw from when `family` is not given (leave-one-family-out training). */
  families?: readonly GrammarFamily[];
  docType?: DocumentType;
  locale?: GrammarLocale;
  split?: Split;
}

/**
 * A grammar document. `locale` keeps the SyntheticDocument type but may hold a grammar locale
 * ("nl", "en-GB", ...) that the template generator's LocaleId does not list; `grammarLocale` says
 * it with its own type.
 */
export interface GrammarDocument extends SyntheticDocument {
  grammarLocale: GrammarLocale;
  family: GrammarFamily;
}

/** Document types a family writes (a family that never writes a type rejects it). */
export const familyDocTypes = (family: GrammarFamily): DocumentType[] =>
  FAMILY_RULES[family].docTypes.map(([t]) => t);

export function generateGrammarDocument(seed: number, opts: GrammarOptions = {}): GrammarDocument {
  const rng = new Prng(deriveSeed(seed, 7001));
  const split = opts.split ?? "train";
  const family = opts.family ?? rng.pick(opts.families ?? GRAMMAR_FAMILIES);
  const rules = FAMILY_RULES[family];
  const docType = opts.docType ?? weighted(rng, rules.docTypes);
  if (!DOCUMENT_TYPES.includes(docType) || !familyDocTypes(family).includes(docType))
    throw new Error(`grammar family ${family} does not write ${docType} documents`);
  const loc = LOCALE_SPECS[opts.locale ?? rng.pick(GRAMMAR_LOCALES)];
  const currency = rng.pick(loc.currencies);
  const money = pickMoneyStyle(rng, loc, currency);
  const date = pickDateFormat(rng, loc, family === "receipt");
  const ctx = new Ctx(rng, loc, split, docType, rules, money, date);
  const pages = family === "receipt" ? buildReceipt(ctx) : buildA4(ctx);
  return {
    seed,
    split,
    locale: loc.id as LocaleId,
    grammarLocale: loc.id,
    family,
    template: `grammar:${family}`,
    pages,
    truth: { documentType: docType, fields: onlyMarked(ctx.fields, pages) },
  };
}
