/**
 * The request filters every analyst and admin endpoint shares ({@code from}, {@code to}, prompt,
 * version, environment, provider, model, user, session): parsing and validation of the query
 * parameters into a {@link QueryFilter}, with a 400 naming the parameter and its limit when one is
 * wrong ({@link InvalidParameterException}). Its own package so that the query side, drill-down,
 * export, audit, dead letters, keys, reconciliation and re-pricing can share it without cycles.
 */
package dev.promptengine.analytics.filter;
