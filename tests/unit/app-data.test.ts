import { describe, expect, it } from "vitest";
import { buildProgramAppData } from "../../app/jobs/app-data.server";
import { RETRY, retryDelayMs } from "../../app/jobs/backoff";
import { APP_DATA_METAFIELDS_SET, CURRENT_APP_INSTALLATION } from "../../app/shopify/documents";
import { validateAdminDocument } from "../../app/local/admin-schema.server";

// The app-data metafield's value (what the storefront app embed's Liquid reads).

describe("buildProgramAppData", () => {
  it("gives the status, the program name unless default, and the widget defaults as the proxy does", () => {
    expect(
      buildProgramAppData({
        status: "paused",
        programName: "  Birch Club ",
        widgetSettings: JSON.stringify({ accent: "#ABC", onAccent: "#000000", position: "bottom-left", label: " Perks " }),
      }),
    ).toEqual({ status: "paused", programName: "Birch Club", widget: { accent: "#aabbcc", onAccent: "#000000", position: "bottom-left", label: "Perks" } });
  });

  it("leaves unset or invalid defaults null, and fixes a text colour without contrast", () => {
    expect(buildProgramAppData({ status: "live", programName: "Rewards", widgetSettings: "{}" })).toEqual({
      status: "live",
      programName: null,
      widget: { accent: null, onAccent: null, position: null, label: null },
    });
    const broken = buildProgramAppData({ status: "weird", programName: "", widgetSettings: '{"accent":"red","position":"top","label":"  "}' });
    expect(broken).toEqual({ status: "draft", programName: null, widget: { accent: null, onAccent: null, position: null, label: null } });
    // A light accent with white text: the widget's own readable fallback.
    const light = buildProgramAppData({ status: "live", programName: "Rewards", widgetSettings: '{"accent":"#ffff00","onAccent":"#ffffff"}' });
    expect(light.widget.accent).toBe("#ffff00");
    expect(light.widget.onAccent).not.toBe("#ffffff");
  });

  it("backs off 1 s, 4 s, 16 s … up to an hour", () => {
    expect([1, 2, 3, 20].map((n) => retryDelayMs(n, RETRY.appData))).toEqual([1_000, 4_000, 16_000, 3_600_000]);
  });

  it("sends documents valid against Shopify's Admin schema", () => {
    expect(validateAdminDocument(CURRENT_APP_INSTALLATION)).toEqual([]);
    expect(validateAdminDocument(APP_DATA_METAFIELDS_SET)).toEqual([]);
  });
});
