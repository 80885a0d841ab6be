import { describe, expect, it } from "vitest";
import {
  contrastRatio,
  fallbackTextColour,
  normaliseHexColour,
  normaliseTags,
  parsePointsNames,
  parseWidgetDefaults,
  resolvePointsName,
  storefrontWidgetDefaults,
  widgetLanguage,
} from "../../app/loyalty/program/settings";

describe("program settings rules", () => {
  it("computes WCAG contrast like the widget", () => {
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrastRatio("#ffffff", "#ffffff")).toBeCloseTo(1, 5);
    expect(contrastRatio("#1f4d3d", "#ffffff")!).toBeGreaterThan(4.5);
    expect(contrastRatio("#ffd60a", "#ffffff")!).toBeLessThan(2);
    expect(contrastRatio("nope", "#ffffff")).toBeNull();
    expect(fallbackTextColour("#ffd60a")).toBe("#000000");
    expect(fallbackTextColour("#1f4d3d")).toBe("#ffffff");
  });

  it("normalises hex colours", () => {
    expect(normaliseHexColour("#ABC")).toBe("#aabbcc");
    expect(normaliseHexColour(" 1F4D3D ")).toBe("#1f4d3d");
    expect(normaliseHexColour("#12345")).toBeNull();
    expect(normaliseHexColour("red")).toBeNull();
  });

  it("keeps only complete points names for the widget's languages", () => {
    const names = parsePointsNames(
      JSON.stringify({ en: { singular: "star", plural: "stars" }, fi: { singular: "tähti" }, de: { singular: "Stern", plural: "Sterne" }, ja: { singular: "ポイント", plural: "ポイント" }, sv: { singular: "<b>", plural: "x" } }),
    );
    expect(names).toEqual({ en: { singular: "star", plural: "stars" }, de: { singular: "Stern", plural: "Sterne" } });
    expect(parsePointsNames("oops")).toEqual({});
    expect(resolvePointsName(names, "en-GB")).toEqual({ singular: "star", plural: "stars" });
    expect(resolvePointsName(names, "fi")).toBeNull();
    expect(widgetLanguage("sv_SE")).toBe("sv");
    expect(widgetLanguage("de")).toBe("de");
    expect(widgetLanguage("ja")).toBeNull();
  });

  it("reads widget defaults, and gives the storefront readable text colours", () => {
    expect(parseWidgetDefaults('{"accent":"#ABC","position":"bottom-left","label":"  Club "}')).toEqual({ accent: "#aabbcc", onAccent: null, position: "bottom-left", label: "Club" });
    expect(parseWidgetDefaults('{"position":"top"}').position).toBeNull();
    expect(storefrontWidgetDefaults('{"accent":"#ffd60a","onAccent":"#ffffff"}').onAccent).toBe("#000000");
    expect(storefrontWidgetDefaults('{"accent":"#1f4d3d","onAccent":"#ffffff"}').onAccent).toBe("#ffffff");
    expect(storefrontWidgetDefaults("{}")).toEqual({ accent: null, onAccent: null, position: null, label: null });
  });

  it("normalises and dedupes tags", () => {
    expect(normaliseTags([" VIP", "vip", "", "Wholesale ", "staff"])).toEqual(["vip", "wholesale", "staff"]);
  });
});
