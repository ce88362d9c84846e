/**
 * Words that mark a document number in the four languages ("No.", "Nr.", "N°", "#", "Nummer").
 * Written as a general list, not from the evaluation data: a test checks that every entry that
 * also occurs in a held-out label wording occurs in a training wording too, so the list carries no
 * knowledge that only the held-out split has.
 */
export const NUMBER_MARKERS: ReadonlySet<string> = new Set([
  "no",
  "nr",
  "n°",
  "nº",
  "n",
  "#",
  "number",
  "nummer",
  "numero",
  "id",
]);
