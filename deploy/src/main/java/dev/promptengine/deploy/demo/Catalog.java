package dev.promptengine.deploy.demo;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the demo host applications use: prompt templates with their versions (newer versions moved
 * to other models, as teams do), and models with their speed and habits. Model names match the
 * public price lists in {@code shared/reference/pricing}; one self-hosted model has no price on
 * purpose, to show {@code UNPRICED} executions flowing through.
 */
final class Catalog {

    record Model(
            String provider,
            String name,
            int firstTokenMs,
            double tokensPerSecond,
            boolean cachesPrompts,
            boolean reasons) {}

    record Version(int number, double weight, List<Model> models) {}

    record Prompt(
            String slug,
            double weight,
            String app,
            String systemMessage,
            String template,
            Map<String, List<String>> parameterValues,
            int inputTokens,
            int outputTokens,
            int maxTokens,
            double temperature,
            List<Version> versions,
            List<String> responses) {

        UUID id() {
            return UUID.nameUUIDFromBytes(("prompt:" + slug).getBytes(StandardCharsets.UTF_8));
        }
    }

    static final Model GPT_4O = new Model("openai", "gpt-4o", 450, 80, true, false);
    static final Model GPT_4O_MINI = new Model("openai", "gpt-4o-mini", 300, 120, true, false);
    static final Model GPT_4O_DATED = new Model("openai", "gpt-4o-2024-08-06", 450, 80, true, false);
    static final Model CLAUDE_SONNET = new Model("anthropic", "claude-3-5-sonnet-20241022", 600, 70, true, false);
    static final Model CLAUDE_HAIKU = new Model("anthropic", "claude-haiku-4-5-20251001", 350, 110, true, false);
    static final Model GEMINI_FLASH = new Model("google", "gemini-2.0-flash", 250, 180, false, false);
    static final Model GEMINI_PRO = new Model("google", "gemini-2.5-pro", 900, 90, false, true);
    static final Model MISTRAL_LARGE = new Model("mistral", "mistral-large-latest", 500, 60, false, false);
    static final Model MISTRAL_SMALL = new Model("mistral", "mistral-small-latest", 250, 130, false, false);
    static final Model SELF_HOSTED_LLAMA = new Model("vllm", "llama-3.1-8b-instruct", 150, 90, false, false);

    static final List<Prompt> PROMPTS = List.of(
            new Prompt(
                    "support-reply",
                    0.30,
                    "acme-helpdesk",
                    "You are Acme Cloud's support assistant. Be accurate, kind and brief. Never promise refunds.",
                    "Customer {{customer_name}} ({{plan}} plan) wrote:\n{{message}}\n\n"
                            + "Answer in a {{tone}} tone and link the most relevant help article.",
                    Map.of(
                            "customer_name", List.of("Jane Doe", "Tomasz Nowak", "Aiko Tanaka", "Luis García"),
                            "plan", List.of("free", "team", "enterprise"),
                            "message",
                                    List.of(
                                            "My deployment has been stuck in 'pending' for an hour.",
                                            "I was charged twice this month, please check. Reach me at jane.doe@example.com",
                                            "How do I rotate the API key without downtime?",
                                            "The dashboard shows 502 errors since this morning. Call me: +1 415 555 0199"),
                            "tone", List.of("friendly", "formal")),
                    700,
                    250,
                    512,
                    0.3,
                    List.of(
                            new Version(1, 0.15, List.of(GPT_4O_MINI)),
                            new Version(2, 0.35, List.of(GPT_4O, CLAUDE_SONNET)),
                            new Version(3, 0.50, List.of(CLAUDE_SONNET))),
                    List.of(
                            "Thanks for reaching out! I've checked your deployment: the build is waiting for a free runner. "
                                    + "See https://help.acme.dev/deployments/pending for how to speed it up.",
                            "I'm sorry about the double charge. I've flagged it for our billing team, who will reply within one business day.",
                            "You can create a second key, switch your clients over, then revoke the old one: "
                                    + "https://help.acme.dev/api-keys/rotation")),
            new Prompt(
                    "ticket-summary",
                    0.20,
                    "acme-helpdesk",
                    "Summarise support tickets for on-call engineers in at most three bullet points.",
                    "Ticket #{{ticket_id}} ({{priority}}):\n{{thread}}",
                    Map.of(
                            "ticket_id", List.of("48213", "48377", "48402", "48519", "48604"),
                            "priority", List.of("P1", "P2", "P3"),
                            "thread",
                                    List.of(
                                            "Customer reports intermittent 502s on eu-west-1 after the 14:00 deploy...",
                                            "Webhook deliveries delayed by up to 20 minutes for three tenants...",
                                            "SSO login loops back to the sign-in page for Okta users...")),
                    1200,
                    120,
                    256,
                    0.2,
                    List.of(
                            new Version(1, 0.4, List.of(GPT_4O_MINI)),
                            new Version(2, 0.6, List.of(GEMINI_FLASH, GPT_4O_MINI))),
                    List.of(
                            "- 502s on eu-west-1 since the 14:00 deploy\n- affects ~3% of requests\n- rollback suggested",
                            "- webhook queue backlog\n- three tenants affected\n- no data loss",
                            "- Okta SSO redirect loop\n- started after cookie policy change\n- workaround: clear cookies")),
            new Prompt(
                    "sql-assistant",
                    0.15,
                    "acme-analytics",
                    "You translate questions into PostgreSQL for the schema below. Answer with SQL only.\n"
                            + "orders(id, customer_id, total, created_at), customers(id, name, country, plan)",
                    "Question: {{question}}",
                    Map.of(
                            "question",
                            List.of(
                                    "Revenue per country last month?",
                                    "Top 10 customers by order count this year",
                                    "How many enterprise customers ordered twice in a week?")),
                    1500,
                    180,
                    400,
                    0.0,
                    List.of(
                            new Version(1, 0.10, List.of(GPT_4O)),
                            new Version(2, 0.20, List.of(GPT_4O_DATED)),
                            new Version(3, 0.40, List.of(CLAUDE_SONNET)),
                            new Version(4, 0.30, List.of(GEMINI_PRO))),
                    List.of(
                            "SELECT c.country, sum(o.total) FROM orders o JOIN customers c ON c.id = o.customer_id "
                                    + "WHERE o.created_at >= date_trunc('month', now()) - interval '1 month' "
                                    + "AND o.created_at < date_trunc('month', now()) GROUP BY c.country;",
                            "SELECT customer_id, count(*) FROM orders WHERE created_at >= date_trunc('year', now()) "
                                    + "GROUP BY customer_id ORDER BY count(*) DESC LIMIT 10;")),
            new Prompt(
                    "product-description",
                    0.15,
                    "acme-shop",
                    "You write product descriptions for an outdoor gear shop. Vivid, honest, no superlatives.",
                    "Product: {{product}}\nFeatures: {{features}}\nLength: {{length}}",
                    Map.of(
                            "product",
                                    List.of("Trail runner 2", "Ultralight tent", "Merino base layer", "Headlamp 400"),
                            "features", List.of("waterproof, 240 g", "two-person, 1.1 kg", "recycled, odour resistant"),
                            "length", List.of("short", "medium")),
                    300,
                    400,
                    800,
                    0.8,
                    List.of(
                            new Version(1, 0.45, List.of(MISTRAL_LARGE)),
                            new Version(2, 0.55, List.of(MISTRAL_SMALL, GPT_4O_MINI))),
                    List.of(
                            "Built for wet mornings and long ridgelines, this shoe keeps your feet dry without weighing you down.",
                            "Pitch it in minutes, sleep two in comfort, and carry it all day without noticing.")),
            new Prompt(
                    "code-review",
                    0.10,
                    "acme-devtools",
                    "You review pull requests. Point out bugs, security issues and unclear names. Be specific.",
                    "Repository {{repo}}, diff:\n{{diff}}",
                    Map.of(
                            "repo", List.of("acme/billing", "acme/gateway", "acme/web"),
                            "diff",
                                    List.of(
                                            "@@ -12,7 +12,9 @@ public Money total() { return items.stream()...",
                                            "@@ -88,3 +88,12 @@ def handle_webhook(request): ...")),
                    2500,
                    600,
                    1200,
                    0.2,
                    List.of(
                            new Version(1, 0.35, List.of(GPT_4O)),
                            new Version(2, 0.65, List.of(CLAUDE_SONNET, GEMINI_PRO))),
                    List.of(
                            "1. `total()` sums doubles; use BigDecimal for money.\n2. The loop ignores refunded items.",
                            "The webhook handler does not verify the signature before parsing the body.")),
            new Prompt(
                    "meeting-notes",
                    0.10,
                    "acme-workspace",
                    "Turn meeting transcripts into notes: decisions, action items with owners, open questions.",
                    "Meeting: {{title}}\nTranscript:\n{{transcript}}",
                    Map.of(
                            "title", List.of("Weekly platform sync", "Incident review 48213", "Q3 planning"),
                            "transcript",
                                    List.of(
                                            "Ana: the migration is done... Ben: we still see lag on replicas...",
                                            "Chris: root cause was the config push... Dana: add a canary...")),
                    3000,
                    350,
                    600,
                    0.4,
                    List.of(new Version(1, 1.0, List.of(CLAUDE_HAIKU, SELF_HOSTED_LLAMA))),
                    List.of(
                            "Decisions: keep the replica lag alert at 30 s.\nActions: Ben to tune autovacuum (Fri).",
                            "Decisions: config pushes go through a canary.\nActions: Dana to add the canary stage.")));

    static final Map<String, Double> ENVIRONMENTS = Map.of("production", 0.75, "staging", 0.18, "development", 0.07);

    static final List<String> REGIONS = List.of("eu-west-1", "us-east-1", "ap-northeast-1");

    private Catalog() {}
}
