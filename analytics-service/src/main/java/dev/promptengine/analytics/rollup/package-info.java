/**
 * The rollup catalogue: the one place that knows which rollup tables exist, their grain, their key
 * dimensions and their measures. The write path ({@code facts}), the cost corrections, the rebuild,
 * partition management and the query side all read {@link RollupShape} instead of naming tables, so
 * adding or changing a shape is a change here and in a migration. An architecture test keeps the
 * table names out of every other package.
 */
package dev.promptengine.analytics.rollup;
