-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" TEXT,
    "actorName" TEXT,
    "actorEmail" TEXT,
    "action" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT,
    "subjectLabel" TEXT,
    "before" TEXT,
    "after" TEXT,
    "note" TEXT,
    CONSTRAINT "AuditEvent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "AuditEvent_shopId_createdAt_id_idx" ON "AuditEvent"("shopId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_shopId_action_createdAt_id_idx" ON "AuditEvent"("shopId", "action", "createdAt", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_shopId_actorId_createdAt_id_idx" ON "AuditEvent"("shopId", "actorId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_shopId_subjectType_subjectId_createdAt_id_idx" ON "AuditEvent"("shopId", "subjectType", "subjectId", "createdAt", "id");

