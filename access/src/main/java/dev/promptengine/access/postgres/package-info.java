/**
 * PostgreSQL access of the pipeline: one password-authenticated role per stateful service that
 * owns only its schema ({@code DatabaseRole}, provisioned by {@code PostgresAccess}), and the
 * host-based authentication every server we start uses.
 */
package dev.promptengine.access.postgres;
