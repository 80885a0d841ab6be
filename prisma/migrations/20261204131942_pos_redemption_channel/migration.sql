-- Redemptions at Shopify POS: the channel and the staff member (docs/decisions/0027-pos.md).
-- ADD COLUMN, not a table redefinition: other migrations of the same day alter this table too.
ALTER TABLE "Redemption" ADD COLUMN "channel" TEXT NOT NULL DEFAULT 'online';
ALTER TABLE "Redemption" ADD COLUMN "staffId" TEXT;
