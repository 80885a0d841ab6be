-- DropIndex
DROP INDEX "WebhookEvent_status_nextAttemptAt_idx";

-- CreateIndex
CREATE INDEX "WebhookEvent_status_nextAttemptAt_receivedAt_idx" ON "WebhookEvent"("status", "nextAttemptAt", "receivedAt");
