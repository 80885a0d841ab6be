-- AlterTable
ALTER TABLE "Program" ADD COLUMN     "memberAccess" TEXT NOT NULL DEFAULT '{}';

