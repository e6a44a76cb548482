/**
 * The pricing catalog: effective-dated prices per provider and model in two layers (the shared
 * default catalog and each tenant's own rows), every version kept with who and why, and tenant
 * discounts on the default catalog, all in PostgreSQL, managed over REST, published through a
 * transactional outbox to compacted topics, and the in-memory lookup table every instance rebuilds
 * from those topics to resolve the price of an execution at its event time.
 */
package dev.promptengine.cost.pricing;
