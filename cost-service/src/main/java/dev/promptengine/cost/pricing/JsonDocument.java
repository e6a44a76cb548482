package dev.promptengine.cost.pricing;

/** A JSON document as stored in a {@code jsonb} column (Spring Data JDBC maps it both ways). */
record JsonDocument(String json) {}
