import type { ExtractedPage, TextLine } from "@docsift/core";
import {
  CANDIDATE_KINDS,
  lineCandidates,
  type Candidate,
  type CandidateKind,
} from "../candidates/extract.js";
import type { DateOrder } from "../candidates/normalise.js";
import { bucketer, bucketOf, fnv, FNV_OFFSET, fnvShape, wordSpans, words } from "./hash.js";
import { DENSE_SIZE, FEATURE_SPEC } from "./spec.js";
import { LABEL_CONCEPTS, conceptsOfWord } from "./label-concepts.js";
import { NUMBER_MARKERS } from "./lexicon.js";
import { countLetters } from "../candidates/letters.js";

export interface PageFeatures {
  candidates: Candidate[];
  /** candidates.length × slots hashed token ids (0 = padding). */
  idx: Int32Array;
  /** Token ids each row holds (the rest of its slots are padding). */
  widths: Uint8Array;
  /** candidates.length × DENSE_SIZE. */
  dense: Float32Array;
}

/** What every candidate of a line shares, computed once per line rather than once per candidate. */
interface LineInfo {
  line: TextLine;
  words: string[];
  starts: number[];
  ends: number[];
  letterFraction: number;
  hasColon: boolean;
  trimmedLength: number;
  /** The line is one value (a date, amount, number, IBAN) and nothing else: never another value's label. */
  isValue: boolean;
  /** Kind of that value, when `isValue`. */
  valueKind: CandidateKind | undefined;
  /** Buckets this line contributes as another line's row-left, above and second-above neighbour; lazily built. */
  asRowLeft: Int32Array | undefined;
  asAbove: Int32Array | undefined;
  asAbove2: Int32Array | undefined;
  rowLeft: LineInfo | undefined;
  above: LineInfo | undefined;
  above2: LineInfo | undefined;
  /** The nearest line below that has this one as its `above`. */
  below: LineInfo | undefined;
  /** E-mail and URL marks (CONTACT_*) of the line's text; the phone mark is added by `contactOf`. */
  contact: number;
  /** -1 until asked: whether the line holds a phone number. */
  phone: number;
  /** -1 until asked: whether the line reads as a label (see isLabelLike). */
  labelLike: number;
  /** The line ends with a colon. */
  endsColon: boolean;
  /** -1 until asked: whether the line's words hold a legal-entity suffix. */
  legal: number;
  /** Part of the page's first block of text (from the topmost line down, within the top 15 %). */
  firstBlock: boolean;
  /** Buckets this line contributes as a label left of, or above, a value; lazily built. */
  asLabelLeft: Int32Array | undefined;
  asLabelAbove: Int32Array | undefined;
}

function lineInfo(line: TextLine): LineInfo {
  const { words: ws, starts, ends } = wordSpans(line.text);
  const letters = countLetters(line.text);
  return {
    line,
    words: ws,
    starts,
    ends,
    letterFraction: letters / Math.max(1, line.text.length),
    hasColon: line.text.includes(":"),
    trimmedLength: line.text.trim().length,
    isValue: false,
    valueKind: undefined,
    asRowLeft: undefined,
    asAbove: undefined,
    asAbove2: undefined,
    rowLeft: undefined,
    above: undefined,
    above2: undefined,
    below: undefined,
    contact: addressMarks(line.text),
    phone: -1,
    labelLike: -1,
    endsColon: endsWithColon(line.text),
    legal: -1,
    firstBlock: false,
    asLabelLeft: undefined,
    asLabelAbove: undefined,
  };
}

/** The text's last non-space character is a colon. */
function endsWithColon(text: string): boolean {
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 160) return c === 58;
  }
  return false;
}

const CONTACT_EMAIL = 1;
const CONTACT_URL = 2;
const CONTACT_PHONE = 4;

/** Whether a text holds an e-mail address ("@" with a dot after it) or a web address ("www.", "://"). */
function addressMarks(text: string): number {
  // Both need a dot; many lines have none.
  if (!text.includes(".")) return 0;
  let marks = 0;
  const at = text.indexOf("@");
  if (at > 0 && text.indexOf(".", at + 2) !== -1 && text.charCodeAt(at + 1) > 32) marks |= CONTACT_EMAIL;
  if (text.includes("www.") || text.includes("://")) marks |= CONTACT_URL;
  return marks;
}

/** A line's contact marks, with the phone mark scanned for the first time it is asked. */
function contactOf(info: LineInfo): number {
  if (info.phone === -1) info.phone = hasPhone(info.line.text) ? CONTACT_PHONE : 0;
  return info.contact | info.phone;
}

/**
 * Whether a text holds a phone number, in one scan of its character codes: a run of digits,
 * spaces and "+()-/" with 7–15 digits that starts with "+", "(" or "0", or follows a word starting
 * "tel", "fon", "phone", "mob", "cell" or "fax".
 */
function hasPhone(text: string): boolean {
  let digits = 0;
  let runStart = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    const isDigit = c >= 48 && c <= 57;
    if (isDigit || c === 32 || c === 43 || c === 40 || c === 41 || c === 45 || c === 47) {
      if (runStart === -1) {
        if (c === 32) continue;
        runStart = i;
        digits = 0;
      }
      if (isDigit) digits++;
      continue;
    }
    if (runStart !== -1 && digits >= 7 && digits <= 15) {
      const first = text.charCodeAt(runStart);
      if (first === 43 || first === 40 || first === 48 || phoneWordBefore(text, runStart)) return true;
    }
    runStart = -1;
  }
  return false;
}

const PHONE_WORD = /(?:tel|fon|phone|mob|cell|fax)[\p{L}.]*[:.]?\s*$/iu;

/** A phone word ("Tel.", "Telefon:", "Phone") ends just before `at`. */
function phoneWordBefore(text: string, at: number): boolean {
  return at >= 3 && PHONE_WORD.test(text.slice(Math.max(0, at - 14), at));
}

/**
 * Links each line to the line left of it on its row and the lines above and below it, scanning
 * lines sorted by y; returns them in that order.
 */
function linkNeighbours(infos: LineInfo[]): LineInfo[] {
  const byY = [...infos].sort((a, b) => a.line.y - b.line.y);
  const aboveOf = new Map<LineInfo, LineInfo | undefined>();
  for (let i = 0; i < byY.length; i++) {
    const me = byY[i] as LineInfo;
    const l = me.line;
    const tol = Math.max(l.height, 0.006) * 0.6;
    let rowLeft: LineInfo | undefined;
    let above: LineInfo | undefined;
    for (let j = i - 1; j >= 0; j--) {
      const o = (byY[j] as LineInfo).line;
      if (o.y < l.y - 0.08) break;
      if (l.y - o.y <= tol && o.x < l.x && (!rowLeft || o.x > rowLeft.line.x)) rowLeft = byY[j];
      if (o.y >= l.y - 0.003) continue;
      const overlap = Math.min(o.x + o.width, l.x + l.width) - Math.max(o.x, l.x);
      if (overlap < -0.01) continue;
      if (
        !above ||
        o.y > above.line.y ||
        (o.y === above.line.y && Math.abs(o.x - l.x) < Math.abs(above.line.x - l.x))
      )
        above = byY[j];
    }
    for (let j = i + 1; j < byY.length; j++) {
      const o = (byY[j] as LineInfo).line;
      if (o.y - l.y > tol) break;
      if (o.x < l.x && (!rowLeft || o.x > rowLeft.line.x)) rowLeft = byY[j];
    }
    me.rowLeft = rowLeft;
    aboveOf.set(me, above);
  }
  for (const me of infos) {
    const above = aboveOf.get(me);
    me.above = above;
    me.above2 = above ? aboveOf.get(above) : undefined;
    if (above && (!above.below || me.line.y < above.below.line.y)) above.below = me;
  }
  return byY;
}

/**
 * Marks the page's first block of text: the topmost row, and each line whose line above is in the
 * block and at most 1.5 line heights above it, while inside the top 15 % of the page. The
 * letterhead (the issuer's brand and name) is that block on most layouts.
 */
function markFirstBlock(byY: readonly LineInfo[]): void {
  const top = byY[0]?.line.y ?? 0;
  for (const me of byY) {
    const l = me.line;
    if (l.y >= 0.15) break;
    const ab = me.above;
    if (!ab) me.firstBlock = l.y - top < Math.max(l.height, 0.006);
    else
      me.firstBlock = ab.firstBlock && l.y - (ab.line.y + ab.line.height) <= 1.5 * Math.max(l.height, 0.006);
  }
}

/**
 * A line that reads as a label: it ends with a colon, or it is one to four words, mostly letters,
 * without digits and not itself a value.
 */
function isLabelLike(info: LineInfo): boolean {
  if (info.labelLike === -1)
    info.labelLike =
      info.endsColon ||
      (!info.isValue &&
        info.words.length > 0 &&
        info.words.length <= 4 &&
        info.letterFraction >= 0.6 &&
        !hasDigit(info.line.text))
        ? 1
        : 0;
  return info.labelLike === 1;
}

function hasDigit(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

// Legal-entity suffixes, as folded words: anywhere in a name ("GmbH & Co. KG", "Pty Ltd").
const LEGAL_ANYWHERE: ReadonlySet<string> = new Set(
  (
    "gmbh ltd limited llc inc incorporated corp corporation sarl sas sasu eurl snc srl spa lda ltda pty pte " +
    "bhd pvt plc llp aps ohg gbr kft sro oyj bvba sprl sagl mbh ggmbh kgaa slu sau haftungsbeschrankt"
  ).split(" "),
);
// Short ones that are also words or initials ("AB" is Swedish, "ab" German for "from"): only as a
// name's last word.
const LEGAL_LAST: ReadonlySet<string> = new Set(
  "ag ab sa as asa oy kg sl bv nv ug se co ek kk sdn cv".split(" "),
);
/** Dotted forms read as one-letter words ("S.A.", "B.V.", "S.r.l.", "e.K."), packed 5 bits a letter. */
const packLetters = (s: string): number => {
  let code = 0;
  for (let i = 0; i < s.length; i++) code = code * 32 + (s.charCodeAt(i) - 96);
  return code;
};
const LEGAL_DOTTED: ReadonlySet<number> = new Set(
  "sa sl bv nv ek ag as srl spa sas snc sarl slu sau zoo kk ev eg cv llc plc vof".split(" ").map(packLetters),
);

/** Whether `ws[from, to)` holds a legal-entity suffix after at least one other word. */
function legalSuffixIn(ws: readonly string[], from: number, to: number): boolean {
  if (to - from < 2) return false;
  // Suffixes end a name: its last four words are enough ("GmbH & Co. KG").
  for (let i = Math.max(from + 1, to - 4); i < to; i++) if (LEGAL_ANYWHERE.has(ws[i] as string)) return true;
  const last = ws[to - 1] as string;
  if (LEGAL_LAST.has(last)) return true;
  // Trailing one-letter words, read back to front ("s", "r", "l" of "S.r.l."), and "Sp. z o.o.".
  let code = 0;
  let n = 0;
  let k = to - 1;
  for (let scale = 1; k > from && n < 4 && (ws[k] as string).length === 1; k--, n++, scale *= 32)
    code += ((ws[k] as string).charCodeAt(0) - 96) * scale;
  return n >= 2 && (LEGAL_DOTTED.has(code) || (n === 3 && code === packLetters("zoo") && ws[k] === "sp"));
}

const lineLegal = (info: LineInfo): boolean => {
  if (info.legal === -1) info.legal = legalSuffixIn(info.words, 0, info.words.length) ? 1 : 0;
  return info.legal === 1;
};

// Words before a name that say it is a person's ("Mr", "Frau", "Dr.") and particles inside one.
const TITLES: ReadonlySet<string> = new Set(
  "mr mrs ms miss dr prof herr frau m mme mlle sr sra srta don dona".split(" "),
);
const PARTICLES: ReadonlySet<string> = new Set(
  "von van de der den da di del della la le du dos das ten zu".split(" "),
);
const PERSON_NAME = 1;
const PERSON_TITLE = 2;
const ALL_CAPS = 4;
const CAPS_WORD = 8;
const UPPER_LETTER = /\p{Lu}/u;
const LOWER_LETTER = /\p{Ll}/u;

/**
 * Case cues of a name, from its original text and folded words: a person's name is two or three
 * capitalised words of letters (particles and a title aside) without a legal suffix; an all-caps
 * word or an all-caps text is a brand's or a company's way of setting its name.
 */
function caseCues(text: string, ws: readonly string[], legal: boolean): number {
  let cues = 0;
  let capitalised = 0;
  let other = 0;
  let capsWords = 0;
  let wordsSeen = 0;
  let title = false;
  let digits = false;
  for (let i = 0; i < text.length;) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 44) {
      i++;
      continue;
    }
    const start = i;
    let upper = 0;
    let lower = 0;
    let letters = 0;
    for (; i < text.length; i++) {
      const d = text.charCodeAt(i);
      if (d === 32 || d === 44) break;
      if (d >= 65 && d <= 90) upper++;
      else if (d >= 97 && d <= 122) lower++;
      else if (d >= 48 && d <= 57) digits = true;
      else if (d >= 128) {
        const ch = text[i] as string;
        if (UPPER_LETTER.test(ch)) upper++;
        else if (LOWER_LETTER.test(ch)) lower++;
        else continue;
      } else continue;
      letters++;
    }
    if (letters === 0) continue;
    const folded = ws[wordsSeen] ?? "";
    wordsSeen++;
    if (upper >= 2 && lower === 0) capsWords++;
    const firstUpper =
      upper > 0 &&
      (text.charCodeAt(start) < 128
        ? text.charCodeAt(start) <= 90
        : UPPER_LETTER.test(text[start] as string));
    if (wordsSeen === 1 && TITLES.has(folded)) title = true;
    else if (firstUpper && lower > 0 && upper <= 2) capitalised++;
    else if (!(lower > 0 && upper === 0 && PARTICLES.has(folded))) other++;
  }
  if (!digits && !legal && other === 0 && capitalised >= (title ? 1 : 2) && capitalised <= 3)
    cues |= PERSON_NAME;
  if (title && capitalised >= 1 && !digits) cues |= PERSON_TITLE;
  if (capsWords > 0) cues |= capsWords === wordsSeen ? ALL_CAPS : CAPS_WORD;
  return cues;
}

/** The parts of an e-mail or web address on the page: its local part's pieces and its domain's names. */
interface AddressParts {
  local: string[];
  domain: string[];
}

// Mail services whose domain says nothing about the sender.
const MAIL_SERVICES: ReadonlySet<string> = new Set(
  (
    "gmail googlemail outlook hotmail live yahoo icloud me gmx web aol proton protonmail mail t-online " +
    "orange free wanadoo libero freenet"
  ).split(" "),
);
const ADDRESS =
  /([\p{L}\d._%+-]+)@([\p{L}\d.-]+\.[\p{L}]{2,})|(?:https?:\/\/|www\.)([\p{L}\d.-]+\.[\p{L}]{2,})/giu;

/** E-mail and web addresses of a page's lines that have them (few lines, so built as strings). */
function pageAddresses(infos: readonly LineInfo[]): AddressParts[] {
  const out: AddressParts[] = [];
  for (const info of infos) {
    if ((info.contact & (CONTACT_EMAIL | CONTACT_URL)) === 0) continue;
    ADDRESS.lastIndex = 0;
    for (let m = ADDRESS.exec(info.line.text); m && out.length < 8; m = ADDRESS.exec(info.line.text)) {
      const host = (m[2] ?? m[3] ?? "").toLowerCase().split(".");
      host.pop();
      const domain: string[] = [];
      for (const h of host) {
        if (h === "www" || h.length < 3 || MAIL_SERVICES.has(h)) continue;
        domain.push(h.replaceAll("-", ""));
      }
      const local = (m[1] ?? "")
        .toLowerCase()
        .split(/[._%+-]+/)
        .filter((w) => w.length >= 2);
      out.push({ local, domain });
    }
  }
  return out;
}

const ADDRESS_DOMAIN_WORD = 1;
const ADDRESS_DOMAIN_NAME = 2;
const ADDRESS_LOCAL_WORD = 4;

/**
 * How a name's words meet the page's addresses: a word of three letters or more inside a domain
 * name ("acme" in acme-trading.com), its words (legal suffix aside) spelling a domain name
 * ("Acme Trading GmbH" and acmetrading.de), a word equal to a piece of a local part ("maria" in
 * maria.schmidt@…).
 */
function addressCues(ws: readonly string[], addresses: readonly AddressParts[]): number {
  let cues = 0;
  for (const a of addresses) {
    for (const d of a.domain) {
      let pos = 0;
      let spelt = true;
      for (const w of ws) {
        if (w.length >= 3 && d.includes(w)) cues |= ADDRESS_DOMAIN_WORD;
        if (spelt && !LEGAL_ANYWHERE.has(w) && !LEGAL_LAST.has(w)) {
          if (d.startsWith(w, pos)) pos += w.length;
          else spelt = false;
        }
      }
      if (spelt && pos === d.length && pos > 0) cues |= ADDRESS_DOMAIN_NAME;
    }
    for (const l of a.local) for (const w of ws) if (w === l) cues |= ADDRESS_LOCAL_WORD;
  }
  return cues;
}

/** Font facts of a page, from its text layer's lines (none for OCR and flowed pages). */
interface PageFonts {
  known: boolean;
  median: number;
  largest: number;
  /** The third largest distinct size, on the first page only (else Infinity). */
  third: number;
}

const NO_FONTS: PageFonts = { known: false, median: 0, largest: 0, third: Infinity };

/**
 * A page has few distinct font sizes: they are counted in a short list (no sort of every line's
 * size, which cost a twentieth of featurization), then ordered.
 */
function pageFonts(page: ExtractedPage): PageFonts {
  if (page.source !== "text-layer") return NO_FONTS;
  const sizes: number[] = [];
  const counts: number[] = [];
  let n = 0;
  for (const l of page.lines) {
    const size = l.fontSize;
    if (size === undefined || !(size > 0)) continue;
    n++;
    let i = 0;
    while (i < sizes.length && sizes[i] !== size) i++;
    if (i === sizes.length) {
      sizes.push(size);
      counts.push(1);
    } else counts[i] = (counts[i] as number) + 1;
  }
  if (n === 0) return NO_FONTS;
  const order = sizes.map((_, i) => i).sort((a, b) => (sizes[a] as number) - (sizes[b] as number));
  let median = 0;
  for (let seen = 0, k = 0; k < order.length; k++) {
    seen += counts[order[k] as number] as number;
    if (seen > n >> 1) {
      median = sizes[order[k] as number] as number;
      break;
    }
  }
  const largest = sizes[order[order.length - 1] as number] as number;
  let third = Infinity;
  if (page.number === 1) {
    // Sizes within a quarter point are one size (readers round differently).
    let distinct = 0;
    let last = Infinity;
    for (let k = order.length - 1; k >= 0 && distinct < 3; k--) {
      const size = sizes[order[k] as number] as number;
      if (size < last - 0.25) {
        distinct++;
        last = size;
        third = size;
      }
    }
  }
  return { known: true, median, largest, third };
}

/** A line's size against the page's median, or 1 where the size is not known. */
const relativeSize = (line: TextLine, fonts: PageFonts): number =>
  fonts.known && line.fontSize !== undefined && line.fontSize > 0 ? line.fontSize / fonts.median : 1;

/**
 * A line set as a brand: larger than the page's text (1.25× its median size) and not a label
 * (bold labels such as "Bill to" sit above names as often as logos do).
 */
const brandLike = (info: LineInfo, fonts: PageFonts): boolean =>
  fonts.known && !info.endsColon && relativeSize(info.line, fonts) >= 1.25;

// Token prefixes as FNV states, so a token is hashed as prefix state + word without building a string.
const P = (s: string): number => fnv(FNV_OFFSET, s);
const perKind = (f: (k: CandidateKind) => string): Record<CandidateKind, number> =>
  Object.fromEntries(CANDIDATE_KINDS.map((k) => [k, P(f(k))])) as Record<CandidateKind, number>;
const T = {
  hd: P("hd:"),
  l: [P("l1:"), P("l2:"), P("l3:")],
  l12: P("l12:"),
  lb: P("lb:"),
  r: [P("r1:"), P("r2:")],
  rl: P("rl:"),
  a: P("a:"),
  a2: P("a2:"),
  w: P("w:"),
  wl: P("wl:"),
  kind: perKind((k) => `k:${k}`),
  sh: perKind((k) => `sh:${k}:`),
  kl1: perKind((k) => `kl1:${k}:`),
  lstart: perKind((k) => `lstart:${k}`),
  krl: perKind((k) => `krl:${k}:`),
  ka: perKind((k) => `ka:${k}:`),
  aligned: perKind((k) => `aligned:${k}`),
  noabove: perKind((k) => `noabove:${k}`),
  pg: perKind((k) => `pg:${k}:`),
  yb: perKind((k) => `yb:${k}:`),
  xb: perKind((k) => `xb:${k}:`),
  xy: perKind((k) => `xy:${k}:`),
  colon: perKind((k) => `colon:${k}`),
  lab: perKind((k) => `lab:${k}:`),
  g: perKind((k) => `g:${k}:`),
  lp: perKind((k) => `lp:${k}:`),
  ls: perKind((k) => `ls:${k}:`),
  lro: P("lro:"),
  lbe: P("lbe:"),
  lrok: perKind((k) => `lrok:${k}`),
  cp: perKind((k) => `cp:${k}:`),
  cs: perKind((k) => `cs:${k}:`),
  csl: perKind((k) => `csl:${k}:`),
  csa: perKind((k) => `csa:${k}:`),
  lbek: perKind((k) => `lbek:${k}`),
  nm: {
    legal: P("nm:legal"),
    legalAbove: P("nm:legal-above"),
    legalBelow: P("nm:legal-below"),
    person: P("nm:person"),
    title: P("nm:title"),
    allCaps: P("nm:all-caps"),
    capsWord: P("nm:caps-word"),
    brand: P("nm:brand-above-legal"),
    underBrand: P("nm:legal-under-brand"),
    big: P("nm:big"),
    bold: P("nm:bold"),
    domainWord: P("nm:domain-word"),
    domainName: P("nm:domain-name"),
    localWord: P("nm:local-word"),
  },
  // Contact marks of the candidate's own line and of its neighbours (above, below, row left), by mark.
  ctSelf: [P("ct:self:email"), P("ct:self:url"), P("ct:self:phone")],
  ctNear: [P("ct:near:email"), P("ct:near:url"), P("ct:near:phone")],
  pos: {
    window: P("pos:address-window"),
    top: P("pos:top20"),
    footer: P("pos:footer"),
    first: P("pos:first-block"),
  },
  ip: P("ip:"),
  il: P("il:"),
  idm: perKind((k) => `idm:${k}`),
  pv: Object.fromEntries(
    CANDIDATE_KINDS.map((k) => [
      k,
      Object.fromEntries([...CANDIDATE_KINDS, "none"].map((p) => [p, P(`pv:${k}:${p}`)])),
    ]),
  ) as Record<CandidateKind, Record<CandidateKind | "none", number>>,
};
const DIGIT_STRINGS = Array.from({ length: 20 }, (_, i) => String(i));
const DATE_ORDER = Array.from({ length: 16 }, (_, i) => P(`dord:${i >> 2}:${i & 3}`));
const WORD_COUNT = Array.from({ length: 7 }, (_, i) => P(`wc:${i}`));

const SLOTS = FEATURE_SPEC.slots;
const candidateBucket = bucketer(FEATURE_SPEC.hashBuckets);

/** Writes hashed token ids into one row of the index matrix, dropping what exceeds the slots. */
class Row {
  n = 0;
  base = 0;
  constructor(private readonly idx: Int32Array) {}
  /** Moves to the row starting at `base`, so one writer serves a whole page. */
  at(base: number): this {
    this.base = base;
    this.n = 0;
    return this;
  }
  put(h: number): void {
    if (this.n < SLOTS) this.idx[this.base + this.n++] = candidateBucket(h);
  }
  putBuckets(buckets: Int32Array): void {
    for (let i = 0; i < buckets.length && this.n < SLOTS; i++)
      this.idx[this.base + this.n++] = buckets[i] as number;
  }
}

const LETTER_PREFIX = /^\p{L}+/u;

/** Buckets of `prefix` + each of `words[from, to)`: what a neighbour line adds to every candidate it neighbours. */
function wordBuckets(prefix: number, words: readonly string[], from: number, to: number): Int32Array {
  const out = new Int32Array(Math.max(0, to - from));
  for (let i = from; i < to; i++)
    out[i - from] = bucketOf(fnv(prefix, words[i] as string), FEATURE_SPEC.hashBuckets);
  return out;
}

/** FNV state after `text[from, to)`, equal to `fnv(h, text.slice(from, to))` without the slice. */
function fnvRange(h: number, text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/** Character code `p` of `<${w}>`. */
function paddedChar(w: string, p: number): number {
  return p === 0 ? 60 : p === w.length + 1 ? 62 : w.charCodeAt(p - 1);
}

/** The words left of the candidate on its line (up to `n`, nearest first). */
function leftWords(info: LineInfo, start: number): number {
  // Index one past the last word that ends at or before `start`.
  let i = 0;
  while (i < info.ends.length && (info.ends[i] as number) <= start) i++;
  return i;
}

/** What every candidate of a page shares. */
interface PageContext {
  number: number;
  headerBuckets: Int32Array;
  fonts: PageFonts;
  addresses: AddressParts[];
}

function writeTokens(row: Row, c: Candidate, info: LineInfo, page: PageContext): boolean {
  const pageNumber = page.number;
  const k = c.kind;
  row.put(T.kind[k]);
  row.put(fnvShape(T.sh[k], c.text));
  // Words of the first page's heading say what kind of document this is (on a purchase order the
  // issuer is the customer), which decides what a name or a number is.
  row.putBuckets(page.headerBuckets);
  const lw = info.words;
  const nLeft = leftWords(info, c.start);
  for (let i = 0; i < 3 && nLeft - 1 - i >= 0; i++)
    row.put(fnv(T.l[i] as number, lw[nLeft - 1 - i] as string));
  if (nLeft >= 1) row.put(fnv(T.kl1[k], lw[nLeft - 1] as string));
  if (nLeft >= 2) row.put(fnv(fnv(fnv(T.l12, lw[nLeft - 2] as string), "_"), lw[nLeft - 1] as string));
  for (let i = Math.max(0, nLeft - 6); i < nLeft; i++) row.put(fnv(T.lb, lw[i] as string));
  if (nLeft === 0) row.put(T.lstart[k]);
  let right = 0;
  for (let i = nLeft; i < lw.length && right < 2; i++) {
    if ((info.starts[i] as number) < c.end) continue;
    row.put(fnv(T.r[right] as number, lw[i] as string));
    right++;
  }
  const rl = info.rowLeft;
  if (rl) {
    row.putBuckets(
      (rl.asRowLeft ??= wordBuckets(T.rl, rl.words, Math.max(0, rl.words.length - 4), rl.words.length)),
    );
    const last = rl.words[rl.words.length - 1];
    if (last) row.put(fnv(T.krl[k], last));
  }
  const ab = info.above;
  if (ab) {
    row.putBuckets((ab.asAbove ??= wordBuckets(T.a, ab.words, 0, Math.min(6, ab.words.length))));
    for (let i = 0; i < Math.min(4, ab.words.length); i++) row.put(fnv(T.ka[k], ab.words[i] as string));
    if (Math.abs(ab.line.x - c.line.x) < 0.02) row.put(T.aligned[k]);
  } else row.put(T.noabove[k]);
  const ab2 = info.above2;
  if (ab2) row.putBuckets((ab2.asAbove2 ??= wordBuckets(T.a2, ab2.words, 0, Math.min(4, ab2.words.length))));
  // The nearest label-like line left on the row (one hop further if the next line left is not
  // one) and directly above, within two line heights: a value right of its label and a value below
  // its label, as two groups.
  const lro = rl
    ? isLabelLike(rl)
      ? rl
      : rl.rowLeft && isLabelLike(rl.rowLeft)
        ? rl.rowLeft
        : undefined
    : undefined;
  if (lro) {
    row.put(T.lrok[k]);
    row.putBuckets(
      (lro.asLabelLeft ??= wordBuckets(
        T.lro,
        lro.words,
        Math.max(0, lro.words.length - 2),
        lro.words.length,
      )),
    );
  }
  const reach = 2 * Math.max(c.line.height, 0.006);
  const lbe =
    ab && c.line.y - (ab.line.y + ab.line.height) <= reach
      ? isLabelLike(ab)
        ? ab
        : ab2 && isLabelLike(ab2) && c.line.y - (ab2.line.y + ab2.line.height) <= 2 * reach
          ? ab2
          : undefined
      : undefined;
  if (lbe) {
    row.put(T.lbek[k]);
    row.putBuckets((lbe.asLabelAbove ??= wordBuckets(T.lbe, lbe.words, 0, Math.min(3, lbe.words.length))));
  }
  if (k === "text") {
    const own = words(c.text);
    for (let i = 0; i < Math.min(6, own.length); i++) row.put(fnv(T.w, own[i] as string));
    const last = own[own.length - 1];
    if (last) row.put(fnv(T.wl, last));
    row.put(WORD_COUNT[Math.min(own.length, 6)] as number);
    writeNameCues(row, c, info, own, page);
  }
  if (k === "id") {
    const prefix = LETTER_PREFIX.exec(c.text)?.[0];
    row.put(fnv(T.ip, prefix ? prefix.toLowerCase() : "-"));
    row.put(fnv(T.il, DIGIT_STRINGS[Math.min(c.text.length, 14)] as string));
  }
  row.put(fnv(T.pg[k], DIGIT_STRINGS[Math.min(pageNumber, 3)] as string));
  row.put(fnv(T.yb[k], DIGIT_STRINGS[Math.floor(c.line.y * 10)] ?? "10"));
  row.put(fnv(T.xb[k], DIGIT_STRINGS[Math.floor(c.line.x * 4)] ?? "4"));
  row.put(
    fnv(
      fnv(fnv(T.xy[k], DIGIT_STRINGS[Math.floor(c.line.x * 3)] ?? "3"), ":"),
      DIGIT_STRINGS[Math.floor(c.line.y * 5)] ?? "5",
    ),
  );
  if (info.hasColon) row.put(T.colon[k]);
  // The label, wherever it sits: left on the same line, in a cell to the left, or on the line above.
  // Direction-free tokens let a layout never seen in training (labels above totals) reuse what was
  // learnt from labels on the left; character trigrams and word prefixes/suffixes let unseen
  // phrasings ("Fälligkeitsdatum") share evidence with seen ones ("Fällig am").
  // The label is words[from, to) of one line, read in place rather than sliced out.
  let labelWords: readonly string[] = lw;
  let from = 0;
  let to = 0;
  if (nLeft > 0) {
    from = Math.max(0, nLeft - 3);
    to = nLeft;
  } else if (rl && !(rl.isValue && ab)) {
    // A value to the left (the next cell of a header table) is not this value's label: the line
    // above is.
    labelWords = rl.words;
    from = Math.max(0, rl.words.length - 3);
    to = rl.words.length;
  } else if (ab) {
    labelWords = ab.words;
    to = Math.min(3, ab.words.length);
  }
  let marker = false;
  for (let j = from; j < to; j++) {
    const w = labelWords[j] as string;
    row.put(fnv(T.lab[k], w));
    if (NUMBER_MARKERS.has(w)) marker = true;
  }
  let grams = 0;
  for (let j = Math.max(from, to - 2); j < to; j++) {
    // Trigrams of "<word>", read in place rather than building the padded string.
    const w = labelWords[j] as string;
    const len = w.length + 2;
    for (let i = 0; i + 3 <= len && grams < 20; i++, grams++) {
      let h = T.g[k];
      h = Math.imul(h ^ paddedChar(w, i), 0x01000193);
      h = Math.imul(h ^ paddedChar(w, i + 1), 0x01000193);
      h = Math.imul(h ^ paddedChar(w, i + 2), 0x01000193);
      row.put(h);
    }
  }
  for (let j = from; j < to; j++) {
    const w = labelWords[j] as string;
    if (w.length < 5) continue;
    row.put(fnvRange(T.lp[k], w, 0, 4));
    row.put(fnvRange(T.ls[k], w, w.length - 4, w.length));
  }
  if (marker) row.put(T.idm[k]);
  // What the label means in any language (document + number, due + date, total + included), and
  // what the label left on the row and the label above mean, as concept sets.
  let concepts = 0;
  for (let j = from; j < to; j++) concepts |= conceptsOfWord(labelWords[j] as string);
  if (concepts) {
    for (let b = 0; b < LABEL_CONCEPTS.length; b++)
      if (concepts & (1 << b)) row.put(fnv(T.cp[k], LABEL_CONCEPTS[b] as string));
    row.put(fnv(T.cs[k], String(concepts)));
  }
  if (lro)
    row.put(
      fnv(T.csl[k], String(wordConcepts(lro.words, Math.max(0, lro.words.length - 3), lro.words.length))),
    );
  if (lbe) row.put(fnv(T.csa[k], String(wordConcepts(lbe.words, 0, Math.min(3, lbe.words.length)))));
  // The value before this one in a block of values (left in a header table, above in a stack):
  // the order of a document's header (number, date, due date) holds whatever the labels say.
  const prev = rl?.isValue ? rl : ab?.isValue ? ab : ab2?.isValue ? ab2 : undefined;
  if (k !== "text") row.put(T.pv[k][prev?.valueKind ?? "none"]);
  return marker;
}

function wordConcepts(ws: readonly string[], from: number, to: number): number {
  let mask = 0;
  for (let j = from; j < to; j++) mask |= conceptsOfWord(ws[j] as string);
  return mask;
}

/** Cues that a text candidate is a party's name, and where on the page it sits. */
function writeNameCues(
  row: Row,
  c: Candidate,
  info: LineInfo,
  own: readonly string[],
  page: PageContext,
): void {
  const legal = legalSuffixIn(own, 0, own.length);
  if (legal) row.put(T.nm.legal);
  const cues = caseCues(c.text, own, legal);
  if (cues & PERSON_NAME) row.put(T.nm.person);
  if (cues & PERSON_TITLE) row.put(T.nm.title);
  if (cues & ALL_CAPS) row.put(T.nm.allCaps);
  else if (cues & CAPS_WORD) row.put(T.nm.capsWord);
  const ab = info.above;
  const be = info.below;
  if (ab && lineLegal(ab)) row.put(T.nm.legalAbove);
  if (be && lineLegal(be)) row.put(T.nm.legalBelow);
  const { fonts } = page;
  const line = c.line;
  if (fonts.known) {
    if (relativeSize(line, fonts) >= 1.4) row.put(T.nm.big);
    if (line.bold === true) row.put(T.nm.bold);
    // A brand (a logo word: one or two words set large) above the legal name, and the legal name
    // under it.
    if (!legal && own.length <= 2 && brandLike(info, fonts) && be && lineLegal(be)) row.put(T.nm.brand);
    if (legal && ab && ab.words.length <= 2 && !lineLegal(ab) && brandLike(ab, fonts))
      row.put(T.nm.underBrand);
  }
  if (page.addresses.length > 0) {
    const a = addressCues(own, page.addresses);
    if (a & ADDRESS_DOMAIN_WORD) row.put(T.nm.domainWord);
    if (a & ADDRESS_DOMAIN_NAME) row.put(T.nm.domainName);
    if (a & ADDRESS_LOCAL_WORD) row.put(T.nm.localWord);
  }
  const self = contactOf(info);
  const near =
    (ab ? contactOf(ab) : 0) | (be ? contactOf(be) : 0) | (info.rowLeft ? contactOf(info.rowLeft) : 0);
  for (let b = 0; b < 3; b++) {
    if (self & (1 << b)) row.put(T.ctSelf[b] as number);
    if (near & (1 << b)) row.put(T.ctNear[b] as number);
  }
  // Where parties sit: the address window of a windowed envelope (left, 12–36 % down), the top
  // band, the footer band, the letterhead block.
  if (line.x < 0.5 && line.y >= 0.12 && line.y <= 0.36) row.put(T.pos.window);
  if (line.y < 0.2) row.put(T.pos.top);
  if (line.y > 0.85) row.put(T.pos.footer);
  if (info.firstBlock) row.put(T.pos.first);
}

/** Short title-like lines near the top of the first page, as words: the document's heading. */
export function headerWords(firstPage: ExtractedPage): string[] {
  const out = new Set<string>();
  for (const l of firstPage.lines.slice(0, 12)) {
    const ws = words(l.text);
    const letters = countLetters(l.text);
    if (ws.length === 0 || ws.length > 3 || letters / Math.max(1, l.text.length) < 0.7) continue;
    for (const w of ws) if (out.size < 8) out.add(w);
  }
  return [...out];
}

const CURRENCY_NEAR = /[€$£¥]|\b(?:EUR|USD|GBP|CHF|JPY|CAD|AUD|SEK|NOK|DKK|PLN)\b/u;

/**
 * Facts about an amount that hold whatever the wording: whether it is the sum of two other amounts
 * on the page, or an addend of such a sum (the tax is the small one).
 */
function amountRelations(cents: readonly number[]): Map<number, number> {
  const SUM = 1;
  const LARGE = 2;
  const SMALL = 4;
  const flags = new Map<number, number>();
  const sorted = [...new Set(cents)].sort((a, b) => a - b);
  for (let i = 2; i < sorted.length; i++) {
    const a = sorted[i] as number;
    // Pairs b < rest of distinct amounts below a with b + rest = a, found from both ends of the
    // sorted list (a set lookup per pair cost a twentieth of featurization on a page of amounts).
    let lo = 0;
    let hi = i - 1;
    while (lo < hi) {
      const b = sorted[lo] as number;
      const rest = sorted[hi] as number;
      const sum = b + rest;
      if (sum < a) lo++;
      else if (sum > a) hi--;
      else {
        // a = rest + b with rest > b > 0: rest is the larger addend (net), b the smaller (tax).
        if (b > 0) {
          flags.set(a, (flags.get(a) ?? 0) | SUM);
          flags.set(rest, (flags.get(rest) ?? 0) | LARGE);
          if (b / rest <= 0.3) flags.set(b, (flags.get(b) ?? 0) | SMALL);
        }
        lo++;
        hi--;
      }
    }
  }
  return flags;
}

/**
 * Memory one document's pages are featurized into, page after page: a page's arrays were half
 * of what featurization allocated. What featurizePage returns with them is overwritten by the
 * next page given the same buffers.
 */
export class FeatureBuffers {
  #idx = new Int32Array(0);
  #widths = new Uint8Array(0);
  #dense = new Float32Array(0);

  /** Zeroed views for `n` rows. */
  rows(n: number): Pick<PageFeatures, "idx" | "widths" | "dense"> {
    if (this.#widths.length < n) {
      const size = Math.max(n, 2 * this.#widths.length);
      this.#idx = new Int32Array(size * FEATURE_SPEC.slots);
      this.#widths = new Uint8Array(size);
      this.#dense = new Float32Array(size * DENSE_SIZE);
    }
    const idx = this.#idx.subarray(0, n * FEATURE_SPEC.slots);
    const dense = this.#dense.subarray(0, n * DENSE_SIZE);
    idx.fill(0);
    dense.fill(0);
    return { idx, widths: this.#widths.subarray(0, n), dense };
  }
}

export function featurizePage(
  page: ExtractedPage,
  order: DateOrder,
  header: readonly string[] = [],
  buffers?: FeatureBuffers,
): PageFeatures {
  const lines = page.lines;
  const infos = lines.map(lineInfo);
  markFirstBlock(linkNeighbours(infos));
  const candidates: Candidate[] = [];
  const owner: LineInfo[] = [];
  for (const info of infos) {
    for (const c of lineCandidates(info.line, order)) {
      candidates.push(c);
      owner.push(info);
      if (c.kind !== "text" && c.end - c.start >= info.trimmedLength - 1 && !info.isValue) {
        info.isValue = true;
        info.valueKind = c.kind;
      }
    }
  }
  const n = candidates.length;
  const { slots } = FEATURE_SPEC;
  const { idx, widths, dense } = buffers
    ? buffers.rows(n)
    : { idx: new Int32Array(n * slots), widths: new Uint8Array(n), dense: new Float32Array(n * DENSE_SIZE) };

  // A typed array sorts numbers natively: a comparator sort of the heights was a twentieth of featurization.
  const heights = new Float64Array(lines.length);
  for (let j = 0; j < lines.length; j++) heights[j] = (lines[j] as TextLine).height;
  heights.sort();
  const medianHeight = heights[Math.floor(heights.length / 2)] ?? 0.01;
  const maxHeight = heights[heights.length - 1] ?? 0.01;
  const amountCents: number[] = [];
  const dateDays: number[] = [];
  // How often each value occurs on the page, per kind (no key strings built per candidate).
  const valueCounts = new Map<CandidateKind, Map<string, number>>(CANDIDATE_KINDS.map((k) => [k, new Map()]));
  for (let i = 0; i < n; i++) {
    const c = candidates[i] as Candidate;
    if (c.kind === "amount") amountCents.push(Math.round(Math.abs(c.numeric) * 100));
    else if (c.kind === "date") dateDays.push(c.numeric);
    const counts = valueCounts.get(c.kind) as Map<string, number>;
    counts.set(c.value, (counts.get(c.value) ?? 0) + 1);
  }
  const amounts = [...new Set(amountCents)].sort((a, b) => b - a);
  const amountRank = new Map(amounts.map((a, i) => [a, i]));
  const relations = amountRelations(amounts);
  const dates = [...new Set(dateDays)].sort((a, b) => a - b);
  const dateRank = new Map(dates.map((d, i) => [d, i]));
  const maxIndex = Math.max(1, lines.length - 1);

  const row = new Row(idx);
  const fonts = pageFonts(page);
  const context: PageContext = {
    number: page.number,
    headerBuckets: wordBuckets(T.hd, header, 0, header.length),
    fonts,
    addresses: pageAddresses(infos),
  };
  for (let i = 0; i < n; i++) {
    const c = candidates[i] as Candidate;
    const info = owner[i] as LineInfo;
    const marker = writeTokens(row.at(i * slots), c, info, context);
    const d = i * DENSE_SIZE;
    const line = c.line;
    const len = Math.max(1, line.text.length);
    dense[d] = line.x + (line.width * c.start) / len;
    dense[d + 1] = line.y;
    dense[d + 2] = line.width;
    dense[d + 3] = page.number === 1 ? 1 : 0;
    dense[d + 4] = Math.min(page.number, 5) / 5;
    dense[d + 5] = line.index / maxIndex;
    dense[d + 6] = Math.min(line.height / medianHeight, 3) / 3;
    if (c.kind === "amount") {
      const cents = Math.round(Math.abs(c.numeric) * 100);
      const rank = amountRank.get(cents) ?? 0;
      dense[d + 7] = Math.log10(1 + Math.abs(c.numeric)) / 7;
      dense[d + 8] = amounts.length > 1 ? rank / (amounts.length - 1) : 0;
      dense[d + 9] = rank === 0 ? 1 : 0;
      const rel = relations.get(cents) ?? 0;
      dense[d + 20] = rel & 1 ? 1 : 0;
      dense[d + 21] = rel & 2 ? 1 : 0;
      dense[d + 22] = rel & 4 ? 1 : 0;
      const around = line.text.slice(Math.max(0, c.start - 4), c.end + 4);
      dense[d + 23] = CURRENCY_NEAR.test(around) ? 1 : 0;
    }
    if (c.kind === "date") {
      const rank = dateRank.get(c.numeric) ?? 0;
      dense[d + 10] = dates.length > 1 ? rank / (dates.length - 1) : 0.5;
      dense[d + 11] = Math.min(dates.length, 10) / 10;
      dense[d + 16] = rank === dates.length - 1 && dates.length > 1 ? 1 : 0;
      dense[d + 17] = rank === 0 && dates.length > 1 ? 1 : 0;
      // Payment terms put the due date 3–95 days after the issue date; delivery and order dates
      // fall before it. Whether such a partner date exists says which role a date can play.
      let later = 0;
      let earlier = 0;
      for (const o of dates) {
        const gap = o - c.numeric;
        if (gap >= 3 && gap <= 95) later = 1;
        if (-gap >= 3 && -gap <= 95) earlier = 1;
      }
      dense[d + 18] = later;
      dense[d + 19] = earlier;
      // How many distinct dates lie after and before it: the issue date is followed by the due date
      // only, delivery and order dates by the issue date as well.
      row.put(DATE_ORDER[Math.min(dates.length - 1 - rank, 3) * 4 + Math.min(rank, 3)] as number);
    }
    dense[d + 12] = c.end - c.start >= info.trimmedLength - 1 ? 1 : 0;
    dense[d + 13] = info.letterFraction;
    dense[d + 14] = Math.min((valueCounts.get(c.kind) as Map<string, number>).get(c.value) ?? 1, 5) / 5;
    dense[d + 15] = line.height >= maxHeight - 1e-6 ? 1 : 0;
    dense[d + 24] = c.kind === "id" && marker ? 1 : 0;
    if (fonts.known && line.fontSize !== undefined && line.fontSize > 0) {
      dense[d + 25] = 1;
      dense[d + 26] = Math.min(line.fontSize / fonts.median, 3) / 3;
      // Only sizes above the body text's count: on a page set in one size no line is "largest".
      const above = line.fontSize > fonts.median + 0.25;
      dense[d + 27] = above && line.fontSize >= fonts.largest - 0.01 ? 1 : 0;
      dense[d + 28] = above && line.fontSize >= fonts.third - 0.01 ? 1 : 0;
    } else dense[d + 26] = 1 / 3;
    dense[d + 29] = fonts.known && line.bold === true ? 1 : 0;
    dense[d + 30] = line.x + (line.width * (c.start + c.end)) / (2 * len);
    dense[d + 31] = info.firstBlock ? 1 : 0;
    widths[i] = row.n;
  }
  return { candidates, idx, widths, dense };
}

/** Hashed bag of the first page's words, for the document-type head. */
export function documentBag(page: ExtractedPage): Int32Array {
  const { docSlots, docHashBuckets } = FEATURE_SPEC;
  const heights = page.lines.map((l) => l.height).sort((a, b) => a - b);
  const median = heights[Math.floor(heights.length / 2)] ?? 0.01;
  const seen = new Set<number>();
  const big = P("big:");
  const w = P("w:");
  const add = (h: number): void => {
    if (seen.size < docSlots) seen.add(bucketOf(h, docHashBuckets));
  };
  // Short lines at the head of the page first (a title such as "Devis n° 27" or "TAX INVOICE" is
  // one, whatever its size), then large text, then the rest in reading order, so the cap drops body
  // words. A word in a sentence ("please quote the invoice number") is not a title.
  const head = P("t:");
  for (const l of page.lines.slice(0, 12)) {
    const ws = words(l.text);
    if (ws.length <= 5) for (const x of ws) add(fnv(head, x));
  }
  for (const l of page.lines) if (l.height >= median * 1.3) for (const x of words(l.text)) add(fnv(big, x));
  for (const l of page.lines) {
    if (seen.size >= docSlots) break;
    for (const x of words(l.text)) add(fnv(w, x));
  }
  const out = new Int32Array(docSlots);
  let i = 0;
  for (const h of seen) out[i++] = h;
  return out;
}
