/**
 * Real infrastructure for tests without Docker: one KRaft Kafka broker and one PostgreSQL server per
 * test JVM, shared by every test; isolation comes from unique topics and a database per test class.
 * Environment variables can point tests at an external broker and database instead.
 */
package dev.promptengine.testsupport;
