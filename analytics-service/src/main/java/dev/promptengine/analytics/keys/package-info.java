/**
 * API keys managed at run time: {@code /v1/admin/keys} creates, lists, rotates (with an overlap)
 * and revokes keys, stored hashed in {@code api_key} with every action in the audit trail, and
 * {@link dev.promptengine.analytics.keys.ApiKeyRelay} publishes each key's state to the compacted
 * {@code promptengine.apikeys.v1}, from which every instance of every service learns it. Keys from
 * configuration are the bootstrap and are not managed here.
 */
package dev.promptengine.analytics.keys;
