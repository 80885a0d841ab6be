-- AlterTable
ALTER TABLE "Program" ADD COLUMN     "textOverrides" TEXT NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "EarningRule" ADD COLUMN     "translations" TEXT NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "Tier" ADD COLUMN     "translations" TEXT NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "Reward" ADD COLUMN     "translations" TEXT NOT NULL DEFAULT '{}';

