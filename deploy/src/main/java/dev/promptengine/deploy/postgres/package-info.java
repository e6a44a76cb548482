/**
 * A real PostgreSQL server for the local stack, run as its own process: zonky's PostgreSQL 17 binaries
 * from Maven Central, a persistent data directory under {@code .promptengine/postgres}, and the
 * {@code promptengine} database and user the services expect.
 */
package dev.promptengine.deploy.postgres;
