-- AlterTable
ALTER TABLE "EnrolmentRun" ADD COLUMN     "phaseTotal" INTEGER;

