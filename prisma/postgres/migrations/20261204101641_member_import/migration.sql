-- CreateTable
CREATE TABLE "MemberImport" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "fileHash" TEXT NOT NULL,
    "fileBytes" INTEGER NOT NULL,
    "delimiter" TEXT NOT NULL,
    "headers" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "mapping" TEXT NOT NULL,
    "mode" TEXT NOT NULL DEFAULT 'set',
    "tierMode" TEXT NOT NULL DEFAULT 'keep',
    "tierUntil" TIMESTAMP(3),
    "status" TEXT NOT NULL DEFAULT 'uploaded',
    "phase" TEXT,
    "hasHeader" BOOLEAN NOT NULL DEFAULT true,
    "progressTotal" INTEGER NOT NULL DEFAULT 0,
    "progressDone" INTEGER NOT NULL DEFAULT 0,
    "counts" TEXT NOT NULL DEFAULT '{}',
    "staff" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "nextRunAt" TIMESTAMP(3),
    "leaseUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "checkedAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MemberImport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MemberImportChunk" (
    "importId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "bytes" BYTEA NOT NULL,

    CONSTRAINT "MemberImportChunk_pkey" PRIMARY KEY ("importId","seq")
);

-- CreateTable
CREATE TABLE "MemberImportRow" (
    "importId" TEXT NOT NULL,
    "line" INTEGER NOT NULL,
    "email" TEXT,
    "customerGid" TEXT,
    "points" INTEGER,
    "tier" TEXT,
    "name" TEXT,
    "error" TEXT,
    "outcome" TEXT,
    "done" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "MemberImportRow_pkey" PRIMARY KEY ("importId","line")
);

-- CreateTable
CREATE TABLE "MemberImportCustomer" (
    "importId" TEXT NOT NULL,
    "customerGid" TEXT NOT NULL,
    "email" TEXT,
    "firstName" TEXT,
    "lastName" TEXT,
    "tags" TEXT NOT NULL DEFAULT '',
    "locale" TEXT,

    CONSTRAINT "MemberImportCustomer_pkey" PRIMARY KEY ("importId","customerGid")
);

-- CreateIndex
CREATE INDEX "MemberImport_shopId_createdAt_idx" ON "MemberImport"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "MemberImport_shopId_fileHash_idx" ON "MemberImport"("shopId", "fileHash");

-- CreateIndex
CREATE INDEX "MemberImport_status_nextRunAt_idx" ON "MemberImport"("status", "nextRunAt");

-- CreateIndex
CREATE INDEX "MemberImportRow_importId_email_idx" ON "MemberImportRow"("importId", "email");

-- CreateIndex
CREATE INDEX "MemberImportRow_importId_customerGid_line_idx" ON "MemberImportRow"("importId", "customerGid", "line");

-- CreateIndex
CREATE INDEX "MemberImportRow_importId_done_line_idx" ON "MemberImportRow"("importId", "done", "line");

-- CreateIndex
CREATE INDEX "MemberImportCustomer_importId_email_idx" ON "MemberImportCustomer"("importId", "email");

-- AddForeignKey
ALTER TABLE "MemberImport" ADD CONSTRAINT "MemberImport_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MemberImportChunk" ADD CONSTRAINT "MemberImportChunk_importId_fkey" FOREIGN KEY ("importId") REFERENCES "MemberImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MemberImportRow" ADD CONSTRAINT "MemberImportRow_importId_fkey" FOREIGN KEY ("importId") REFERENCES "MemberImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MemberImportCustomer" ADD CONSTRAINT "MemberImportCustomer_importId_fkey" FOREIGN KEY ("importId") REFERENCES "MemberImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

