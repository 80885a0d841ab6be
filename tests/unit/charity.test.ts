import { describe, expect, it } from "vitest";
import { causeForm, charityRateForm, computeDonation, donateRequestBody, maxDonationUnits, totalsByCause, totalsByCauseAndMonth } from "../../app/loyalty/charity/charity";

describe("charity rules", () => {
  it("a donation costs units × rate and gives units in minor units, zero-decimal currencies too", () => {
    expect(computeDonation(100, 3, "EUR")).toEqual({ points: 300, amountMinor: 300 });
    expect(computeDonation(2, 500, "JPY")).toEqual({ points: 1000, amountMinor: 500 });
    expect(computeDonation(10, 1, "KWD")).toEqual({ points: 10, amountMinor: 1000 });
    expect(() => computeDonation(100, 0, "EUR")).toThrow(RangeError);
    expect(() => computeDonation(0, 1, "EUR")).toThrow(RangeError);
  });

  it("the amount picker goes up to the whole units the balance covers", () => {
    expect(maxDonationUnits(1234, 200)).toBe(6);
    expect(maxDonationUnits(199, 200)).toBe(0);
    expect(maxDonationUnits(10_000_000, 1)).toBe(10_000);
  });

  it("the widget's body: whole units only, a request id", () => {
    expect(donateRequestBody.safeParse({ causeId: "c", units: 2, requestId: "abcdefgh" }).success).toBe(true);
    expect(donateRequestBody.safeParse({ causeId: "c", units: 2.5, requestId: "abcdefgh" }).success).toBe(false);
    expect(donateRequestBody.safeParse({ causeId: "c", units: 0, requestId: "abcdefgh" }).success).toBe(false);
    expect(donateRequestBody.safeParse({ causeId: "c", units: 1, requestId: "short" }).success).toBe(false);
  });

  it("the admin's forms", () => {
    expect(charityRateForm.parse({ pointsPerUnit: "150" })).toEqual({ pointsPerUnit: 150 });
    expect(charityRateForm.safeParse({ pointsPerUnit: "1.5" }).success).toBe(false);
    expect(causeForm.parse({ name: " Sea ", description: "", enabled: "false" })).toEqual({ name: "Sea", description: "", enabled: false });
    expect(causeForm.safeParse({ name: "" }).success).toBe(false);
  });

  it("totals per cause and month, then per cause", () => {
    const rows = [
      { causeId: "a", causeName: "Sea", month: "2026-11", points: 100, amountMinor: 100 },
      { causeId: "a", causeName: "Sea", month: "2026-12", points: 300, amountMinor: 300 },
      { causeId: "a", causeName: "Sea", month: "2026-12", points: 200, amountMinor: 200 },
      { causeId: "b", causeName: "Forest", month: "2026-12", points: 100, amountMinor: 100 },
    ];
    const byMonth = totalsByCauseAndMonth(rows);
    expect(byMonth.map((t) => [t.month, t.causeName, t.donations, t.amountMinor])).toEqual([
      ["2026-12", "Forest", 1, 100],
      ["2026-12", "Sea", 2, 500],
      ["2026-11", "Sea", 1, 100],
    ]);
    expect(totalsByCause(byMonth).map((t) => [t.causeName, t.donations, t.points, t.month])).toEqual([
      ["Sea", 3, 600, null],
      ["Forest", 1, 100, null],
    ]);
  });
});
