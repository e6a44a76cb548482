package dev.promptengine.ingest.otlp;

import java.util.Locale;
import java.util.Map;

/**
 * The GenAI conventions' provider names ({@code gen_ai.provider.name}, formerly {@code
 * gen_ai.system}) in the spelling the price catalog uses (docs/pricing.md).
 */
final class Providers {

    private static final Map<String, String> OURS = Map.ofEntries(
            Map.entry("aws.bedrock", "bedrock"),
            Map.entry("az.ai.openai", "azure"),
            Map.entry("azure.ai.openai", "azure"),
            Map.entry("azure.ai.inference", "azure"),
            Map.entry("az.ai.inference", "azure"),
            Map.entry("gcp.gemini", "google"),
            Map.entry("gcp.vertex_ai", "google"),
            Map.entry("gcp.gen_ai", "google"),
            Map.entry("gemini", "google"),
            Map.entry("vertex_ai", "google"),
            Map.entry("mistral_ai", "mistral"),
            Map.entry("x_ai", "xai"),
            Map.entry("ibm.watsonx.ai", "watsonx"));

    static String ourName(String conventionName) {
        String name = conventionName.strip().toLowerCase(Locale.ROOT);
        return OURS.getOrDefault(name, name);
    }

    private Providers() {}
}
