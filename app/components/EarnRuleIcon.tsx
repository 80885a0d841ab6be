import { Box, Icon } from "@shopify/polaris";
import type { SVGProps } from "react";
import {
  CartIcon,
  ConfettiIcon,
  EmailNewsletterIcon,
  HeartIcon,
  LogoFacebookIcon,
  LogoInstagramIcon,
  LogoTiktokIcon,
  LogoXIcon,
  OrderRepeatIcon,
  PersonAddIcon,
  StarIcon,
  TargetIcon,
} from "./EarnIcons";

type IconComponent = (props: SVGProps<SVGSVGElement>) => JSX.Element;

const TYPE_ICONS: Record<string, IconComponent> = {
  purchase: CartIcon,
  signup: PersonAddIcon,
  birthday: ConfettiIcon,
  social_follow: HeartIcon,
  newsletter: EmailNewsletterIcon,
  review: StarIcon,
  nth_order: OrderRepeatIcon,
  custom: TargetIcon,
};

const NETWORK_ICONS: Record<string, IconComponent> = {
  instagram: LogoInstagramIcon,
  tiktok: LogoTiktokIcon,
  facebook: LogoFacebookIcon,
  x: LogoXIcon,
};

/** A way to earn's icon on a tinted square (a follow shows its network's logo). */
export function EarnRuleIcon({ type, network }: { type: string; network?: string }) {
  const source = (network && NETWORK_ICONS[network]) || TYPE_ICONS[type] || TargetIcon;
  return (
    <Box background="bg-surface-secondary" padding="150" borderRadius="200">
      <Icon source={source} tone="subdued" />
    </Box>
  );
}
