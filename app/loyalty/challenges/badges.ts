// Badges: a name, an icon from a small built-in set, a description. Awarded by challenges
// (MemberBadge rows, once per member and badge). Pure: the icon set and the form.
// docs/decisions/0035-challenges-and-leaderboard.md

import { z } from "zod";

/** The built-in icons: the widget and the admin draw the same glyph (no image hosting, no third-party requests). */
export const BADGE_ICONS = {
  star: "⭐",
  trophy: "🏆",
  heart: "❤️",
  crown: "👑",
  flame: "🔥",
  leaf: "🌿",
  coffee: "☕",
  gift: "🎁",
} as const;
export type BadgeIcon = keyof typeof BADGE_ICONS;

export function badgeGlyph(icon: string): string {
  return (BADGE_ICONS as Record<string, string>)[icon] ?? BADGE_ICONS.star;
}

export const MAX_BADGE_NAME = 60;
export const MAX_BADGE_DESCRIPTION = 200;

export const badgeFormSchema = z.object({
  name: z.string().trim().min(1, "Enter a name for the badge").max(MAX_BADGE_NAME, `At most ${MAX_BADGE_NAME} characters`),
  icon: z.enum(Object.keys(BADGE_ICONS) as [BadgeIcon, ...BadgeIcon[]], { message: "Choose an icon from the list" }),
  description: z.string().trim().max(MAX_BADGE_DESCRIPTION, `At most ${MAX_BADGE_DESCRIPTION} characters`).default(""),
});
export type BadgeDraft = z.infer<typeof badgeFormSchema>;
export type BadgeErrors = Partial<Record<"name" | "icon" | "description" | "form", string>>;
