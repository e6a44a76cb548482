package dev.promptengine.cost.pricing;

/**
 * The price that applies to an execution and why: {@code matchedRule} names the rule that found it
 * ({@code exact}, {@code alias:...}, {@code pattern:...}, {@code prefix:...}).
 */
public record Resolution(Price price, String matchedRule) {}
