import type { TextLine } from "@docsift/core";

/** One line of text at a fixed place on page 1: for tests of what a line yields, not where it is. */
export const textLine = (text: string): TextLine => ({
  text,
  page: 1,
  index: 0,
  x: 0.1,
  y: 0.1,
  width: 0.5,
  height: 0.015,
});
