// The widget's texts this page uses, by group: esbuild keeps only these groups of each file.
import { general as en_general, member as en_member, sections as en_sections, rewards as en_rewards, ways as en_ways, referral as en_referral, activity as en_activity, errors as en_errors, tiers as en_tiers, guest as en_guest } from "../../../app/loyalty/i18n/widget/en.json";
import { general as fi_general, member as fi_member, sections as fi_sections, rewards as fi_rewards, ways as fi_ways, referral as fi_referral, activity as fi_activity, errors as fi_errors, tiers as fi_tiers, guest as fi_guest } from "../../../app/loyalty/i18n/widget/fi.json";
import { general as da_general, member as da_member, sections as da_sections, rewards as da_rewards, ways as da_ways, referral as da_referral, activity as da_activity, errors as da_errors, tiers as da_tiers, guest as da_guest } from "../../../app/loyalty/i18n/widget/da.json";
import { general as sv_general, member as sv_member, sections as sv_sections, rewards as sv_rewards, ways as sv_ways, referral as sv_referral, activity as sv_activity, errors as sv_errors, tiers as sv_tiers, guest as sv_guest } from "../../../app/loyalty/i18n/widget/sv.json";
import type { Lang, WidgetTexts } from "../../kanta-customer-account";

export const LOCALES: Record<Lang, WidgetTexts> = {
  en: { general: en_general, member: en_member, sections: en_sections, rewards: en_rewards, ways: en_ways, referral: en_referral, activity: en_activity, errors: en_errors, tiers: en_tiers, guest: en_guest },
  fi: { general: fi_general, member: fi_member, sections: fi_sections, rewards: fi_rewards, ways: fi_ways, referral: fi_referral, activity: fi_activity, errors: fi_errors, tiers: fi_tiers, guest: fi_guest },
  da: { general: da_general, member: da_member, sections: da_sections, rewards: da_rewards, ways: da_ways, referral: da_referral, activity: da_activity, errors: da_errors, tiers: da_tiers, guest: da_guest },
  sv: { general: sv_general, member: sv_member, sections: sv_sections, rewards: sv_rewards, ways: sv_ways, referral: sv_referral, activity: sv_activity, errors: sv_errors, tiers: sv_tiers, guest: sv_guest },
};
