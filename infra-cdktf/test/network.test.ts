import { describe, expect, it } from "vitest";
import { subnetPrefix } from "../src/azure/network.js";

describe("subnetPrefix", () => {
  it("derives aligned blocks inside the address space", () => {
    expect(subnetPrefix("10.40.0.0/16", 0, 24)).toBe("10.40.0.0/24");
    expect(subnetPrefix("10.40.0.0/16", 1, 22)).toBe("10.40.4.0/22");
    expect(subnetPrefix("10.40.0.0/16", 63, 22)).toBe("10.40.252.0/22");
    expect(subnetPrefix("172.16.0.0/12", 1, 16)).toBe("172.17.0.0/16");
  });

  it("refuses blocks outside the space, larger than it, or a misaligned space", () => {
    expect(() => subnetPrefix("10.40.0.0/16", 64, 22)).toThrow(/outside 10\.40\.0\.0\/16/);
    expect(() => subnetPrefix("10.40.0.0/24", 0, 22)).toThrow(/does not fit/);
    expect(() => subnetPrefix("10.40.1.0/16", 0, 24)).toThrow(/not aligned/);
    expect(() => subnetPrefix("10.40.0.0", 0, 24)).toThrow(/invalid CIDR/);
  });
});
