// Second entry point (@docsift/model/synthetic): labelled synthetic documents for tests and benchmarks.
export { generateDocument, type GenerateOptions } from "./generator/generate.js";
export type {
  SyntheticDocument,
  SynthPage,
  SynthItem,
  Truth,
  FieldSpan,
  LocaleId,
  Split,
} from "./generator/types.js";
export { LOCALE_IDS } from "./generator/types.js";
export { TEMPLATES } from "./generator/templates.js";
export { renderPages } from "./render/pages.js";
export { renderText } from "./render/text.js";
export { renderPdf } from "./render/pdf.js";
export { renderDocx } from "./render/docx.js";
export { renderPng } from "./render/png.js";
export { applyOcrNoise } from "./render/ocr-noise.js";
export {
  generateGrammarDocument,
  GRAMMAR_FAMILIES,
  GRAMMAR_LOCALES,
  type GrammarDocument,
  type GrammarFamily,
  type GrammarLocale,
  type GrammarOptions,
} from "./generator/grammar/index.js";
