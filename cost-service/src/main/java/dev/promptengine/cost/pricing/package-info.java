/**
 * The pricing catalog: effective-dated prices per provider and model in PostgreSQL, managed over
 * REST, published through a transactional outbox to the compacted pricing topic, and the in-memory
 * lookup table every instance rebuilds from that topic to resolve the price of an execution at its
 * event time.
 */
package dev.promptengine.cost.pricing;
