import { SaxesParser, type SaxesTagPlain } from "saxes";
import { tooManyCharacters } from "../limits.js";
import { columnOffset, PageComposer, type TabStop } from "./layout.js";

interface Paragraph {
  kind: "p";
  text: string;
  indent: number;
  /** Lines finished inside the paragraph by a line break (w:br, w:cr). */
  lines: string[];
  /** Its custom tab stops (w:tabs in its properties). */
  stops: TabStop[];
}

interface Table {
  kind: "tbl";
  grid: number[];
  row: Array<{ column: number; text: string }> | undefined;
  column: number;
  cell: { column: number; text: string } | undefined;
}

type Container = Paragraph | Table;

/** Name without its namespace prefix: WordprocessingML is always `w:` in practice, not by law. */
const local = (name: string): string => name.slice(name.indexOf(":") + 1);

const attribute = (tag: SaxesTagPlain, name: string): string | undefined => {
  for (const [key, value] of Object.entries(tag.attributes)) if (local(key) === name) return value;
  return undefined;
};

/**
 * Streams WordprocessingML (`word/document.xml`) into pages of lines. Body paragraphs become
 * lines (x from their indentation), their tab-separated parts separate lines at their tab stops;
 * a table row's cells become lines at their grid columns, all on one row; nested tables and
 * text boxes fold into the enclosing cell or paragraph. Only `w:t` text counts, so deleted text, field codes
 * and the duplicate fallback of `mc:AlternateContent` are skipped.
 */
export class DocumentXmlParser {
  readonly #sax = new SaxesParser({ xmlns: false, position: false });
  readonly #pages: PageComposer;
  /** Open paragraphs and tables, innermost last (text boxes nest paragraphs in paragraphs). */
  readonly #stack: Container[] = [];
  #inText = false;
  #inTabStops = false;
  #fallbackDepth = 0;
  readonly #decoder = new TextDecoder("utf-8");

  constructor(private readonly maxCharacters: number) {
    this.#pages = new PageComposer(maxCharacters);
    this.#sax.on("opentag", (tag) => this.#open(tag as SaxesTagPlain));
    this.#sax.on("closetag", (tag) => this.#close(tag as SaxesTagPlain));
    this.#sax.on("text", (text) => {
      if (this.#inText) this.#appendText(text);
    });
  }

  write(chunk: Buffer): void {
    this.#sax.write(this.#decoder.decode(chunk, { stream: true }));
  }

  close(): void {
    this.#sax.write(this.#decoder.decode());
    this.#sax.close();
    this.#pages.finish();
  }

  takePages(): ReturnType<PageComposer["takePages"]> {
    return this.#pages.takePages();
  }

  /** The paragraph text goes to, if it is in one. */
  get #paragraph(): Paragraph | undefined {
    const top = this.#stack.at(-1);
    return top?.kind === "p" ? top : undefined;
  }

  /** The innermost table, if any. */
  get #table(): Table | undefined {
    for (let i = this.#stack.length - 1; i >= 0; i--) {
      const container = this.#stack[i] as Container;
      if (container.kind === "tbl") return container;
    }
    return undefined;
  }

  /** Page breaks only mean something in a body paragraph, not in a table or a text box. */
  get #atBodyLevel(): boolean {
    return this.#stack.length === 1 && this.#stack[0]?.kind === "p";
  }

  #open(tag: SaxesTagPlain): void {
    const name = local(tag.name);
    if (name === "Fallback") this.#fallbackDepth++;
    if (this.#fallbackDepth > 0) return;
    const paragraph = this.#paragraph;
    const table = this.#table;
    switch (name) {
      case "p":
        this.#stack.push({ kind: "p", text: "", indent: 0, lines: [], stops: [] });
        break;
      case "t":
        this.#inText = true;
        break;
      case "tabs":
        this.#inTabStops = true;
        break;
      case "tab":
        // A w:tab inside w:tabs (paragraph properties) defines a stop; only a run's w:tab is text.
        if (!this.#inTabStops) this.#appendText("\t");
        else if (paragraph) {
          const stop = tabStop(tag);
          if (stop) paragraph.stops.push(stop);
        }
        break;
      case "noBreakHyphen":
        this.#appendText("-");
        break;
      case "br":
      case "cr": {
        const type = attribute(tag, "type");
        if (type === "page") this.#pageBreakInParagraph();
        else if (paragraph && type !== "column") this.#lineBreak(paragraph);
        break;
      }
      case "lastRenderedPageBreak":
        this.#pageBreakInParagraph();
        break;
      case "pageBreakBefore": {
        const value = attribute(tag, "val");
        if (value !== "false" && value !== "0" && this.#atBodyLevel) this.#pages.pageBreak();
        break;
      }
      case "ind":
        if (paragraph) paragraph.indent = Number(attribute(tag, "left") ?? attribute(tag, "start") ?? 0) || 0;
        break;
      case "tbl":
        this.#stack.push({ kind: "tbl", grid: [], row: undefined, column: 0, cell: undefined });
        break;
      case "gridCol":
        table?.grid.push(Number(attribute(tag, "w") ?? 0) || 0);
        break;
      case "tr":
        if (table) {
          table.row = [];
          table.column = 0;
        }
        break;
      case "tc":
        if (table) table.cell = { column: table.column, text: "" };
        break;
      case "gridSpan":
        if (table?.cell) table.column += Math.max(1, Number(attribute(tag, "val") ?? 1) || 1) - 1;
        break;
    }
  }

  #close(tag: SaxesTagPlain): void {
    const name = local(tag.name);
    if (name === "Fallback") {
      this.#fallbackDepth--;
      return;
    }
    if (this.#fallbackDepth > 0) return;
    const top = this.#stack.at(-1);
    switch (name) {
      case "t":
        this.#inText = false;
        break;
      case "tabs":
        this.#inTabStops = false;
        break;
      case "p":
        if (top?.kind === "p") {
          this.#stack.pop();
          this.#endParagraph(top);
        }
        break;
      case "tc":
        if (top?.kind === "tbl" && top.cell) {
          top.row?.push(top.cell);
          top.cell = undefined;
          top.column++;
        }
        break;
      case "tr":
        if (top?.kind === "tbl" && top.row) {
          if (this.#stack.length === 1) this.#emitRow(top);
          else
            this.#appendBelow(
              top.row
                .map((c) => c.text.trim())
                .filter(Boolean)
                .join(" "),
              1,
            );
          top.row = undefined;
        }
        break;
      case "tbl":
        if (top?.kind === "tbl") this.#stack.pop();
        break;
    }
  }

  #appendText(text: string): void {
    const paragraph = this.#paragraph;
    if (!paragraph) return;
    paragraph.text += text;
    if (paragraph.text.length > this.maxCharacters) throw tooManyCharacters(this.maxCharacters);
  }

  #lineBreak(paragraph: Paragraph): void {
    paragraph.lines.push(paragraph.text);
    paragraph.text = "";
  }

  /** Text before the break stays on this page, the rest of the paragraph goes to the next. */
  #pageBreakInParagraph(): void {
    const paragraph = this.#paragraph;
    if (!paragraph || !this.#atBodyLevel) return;
    this.#lineBreak(paragraph);
    for (const line of paragraph.lines)
      if (line.trim() !== "") this.#pages.addLine(line, paragraph.indent, paragraph.stops);
    paragraph.lines = [];
    this.#pages.pageBreak();
  }

  #endParagraph(paragraph: Paragraph): void {
    const lines = [...paragraph.lines, paragraph.text];
    if (this.#stack.length > 0) {
      // In a table cell or a text box: the text joins the enclosing cell or paragraph.
      this.#appendBelow(
        lines
          .map((l) => l.trim())
          .filter(Boolean)
          .join(" "),
        0,
      );
      return;
    }
    for (const line of lines) this.#pages.addLine(line, paragraph.indent, paragraph.stops);
  }

  /** Adds text to the container `depth` levels below the top of the stack (a cell or a paragraph). */
  #appendBelow(text: string, depth: number): void {
    const container = this.#stack.at(-1 - depth);
    if (text === "" || !container) return;
    if (container.kind === "p") container.text += (container.text === "" ? "" : " ") + text;
    else if (container.cell) container.cell.text += (container.cell.text === "" ? "" : " ") + text;
  }

  /** A body table's row: each cell where its grid column starts, as a PDF of it would show. */
  #emitRow(table: Table): void {
    this.#pages.addSegments(
      (table.row ?? []).map((c) => ({ text: c.text, offset: columnOffset(table.grid, c.column) })),
    );
  }
}

/** A custom tab stop; "clear" (removes a style's stop) and "bar" (draws a line) place no text. */
function tabStop(tag: SaxesTagPlain): TabStop | undefined {
  const pos = Number(attribute(tag, "pos"));
  const val = attribute(tag, "val") ?? "left";
  if (!Number.isFinite(pos) || val === "clear" || val === "bar") return undefined;
  const align =
    val === "right" || val === "end" || val === "decimal" ? "right" : val === "center" ? "center" : "left";
  return { pos, align };
}
