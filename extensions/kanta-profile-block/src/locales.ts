// The widget's texts this block uses, by group: esbuild keeps only these groups of each file.
import { general as enGeneral, member as enMember } from "../../../app/loyalty/i18n/widget/en.json";
import { general as fiGeneral, member as fiMember } from "../../../app/loyalty/i18n/widget/fi.json";
import { general as daGeneral, member as daMember } from "../../../app/loyalty/i18n/widget/da.json";
import { general as svGeneral, member as svMember } from "../../../app/loyalty/i18n/widget/sv.json";
import type { Lang, WidgetTexts } from "../../kanta-customer-account";

export const LOCALES: Record<Lang, WidgetTexts> = {
  en: { general: enGeneral, member: enMember },
  fi: { general: fiGeneral, member: fiMember },
  da: { general: daGeneral, member: daMember },
  sv: { general: svGeneral, member: svMember },
};
