// The widget's texts this block uses, by group: esbuild keeps only these groups of each file.
import { general as enGeneral, member as enMember } from "../../kanta-widget/locales/en.default.json";
import { general as fiGeneral, member as fiMember } from "../../kanta-widget/locales/fi.json";
import { general as daGeneral, member as daMember } from "../../kanta-widget/locales/da.json";
import { general as svGeneral, member as svMember } from "../../kanta-widget/locales/sv.json";
import type { Lang, WidgetTexts } from "../../kanta-customer-account";

export const LOCALES: Record<Lang, WidgetTexts> = {
  en: { general: enGeneral, member: enMember },
  fi: { general: fiGeneral, member: fiMember },
  da: { general: daGeneral, member: daMember },
  sv: { general: svGeneral, member: svMember },
};
