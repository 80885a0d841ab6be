-- AlterTable
ALTER TABLE "Challenge" ADD COLUMN     "collectionGid" TEXT;

