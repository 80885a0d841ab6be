-- AlterTable
ALTER TABLE "OrderRecord" ADD COLUMN     "orderTotalMinor" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "OrderRefund" ADD COLUMN     "adjustmentMinor" BIGINT NOT NULL DEFAULT 0;

