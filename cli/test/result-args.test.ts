import { describe, expect, it } from "vitest";
import { parseAssignments } from "../src/commands/result.js";
import { UsageError } from "../src/errors.js";

describe("docsift result set's field=value arguments", () => {
  it("become the PATCH body's fields, --absent ones null, values kept as typed for the API to check", () => {
    expect(parseAssignments(["totalAmount=1 234,50", "vendorName=ACME = Co"], ["iban"])).toEqual({
      totalAmount: "1 234,50",
      vendorName: "ACME = Co",
      iban: null,
    });
  });

  it.each([
    [["colour=red"], [], /not a field/],
    [["totalAmount"], [], /not field=value/],
    [["=12"], [], /not field=value/],
    [["iban=DE89", "iban=DE90"], [], /given twice/],
    [["iban=DE89"], ["iban"], /marked absent/],
    [[], ["colour"], /not a field/],
    [[], [], /at least one/],
  ])("refuses %j --absent %j", (pairs, absent, message) => {
    expect(() => parseAssignments(pairs, absent)).toThrow(UsageError);
    expect(() => parseAssignments(pairs, absent)).toThrow(message);
  });
});
