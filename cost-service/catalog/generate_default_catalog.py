#!/usr/bin/env python3
"""Derives cost-service's default catalog (src/main/resources/pricing/default-catalog.json).

Usage: generate_default_catalog.py <reference/pricing dir>

Numbers for current prices are read from the reference files (litellm-chat-prices.csv, snapshot
about 2026-07-18; langfuse-default-prices.csv, snapshot 2026-08-22), never typed in by hand, so
every row is traceable. The seed's five prices are the seed's per-1K prices times 1,000. The
curated model list, match patterns and effective dates are chosen here; docs/pricing.md explains
them.
"""
import csv
import json
import sys
from decimal import Decimal
from pathlib import Path

EPOCH = "2024-01-01T00:00:00Z"
LITELLM = "litellm model_prices_and_context_window.json @00035b69 (snapshot ~2026-07-18)"
LANGFUSE = "langfuse default-model-prices.json @62751446 (snapshot 2026-08-22)"
SEED = "PromptEngine seed (per 1K x 1000)"
DATE = r"(-\d{4}-\d{2}-\d{2})?"

# (provider, model, litellm provider, litellm key, match pattern, effective_from)
CURRENT = [
    # OpenAI
    ("openai", "gpt-4o", "openai", "gpt-4o", r"(?i)(openai/)?gpt-4o" + DATE, "2024-10-02T00:00:00Z"),
    ("openai", "gpt-4o-2024-05-13", "openai", "gpt-4o-2024-05-13", None, EPOCH),
    ("openai", "gpt-4o-mini", "openai", "gpt-4o-mini", r"(?i)(openai/)?gpt-4o-mini" + DATE, "2024-10-01T00:00:00Z"),
    ("openai", "gpt-4-turbo", "openai", "gpt-4-turbo", r"(?i)(openai/)?gpt-4-turbo(-\d{4}-\d{2}-\d{2}|-preview)?", EPOCH),
    ("openai", "gpt-4", "openai", "gpt-4", r"(?i)(openai/)?gpt-4(-0314|-0613)?", EPOCH),
    ("openai", "gpt-4.1", "openai", "gpt-4.1", r"(?i)(openai/)?gpt-4\.1" + DATE, EPOCH),
    ("openai", "gpt-4.1-mini", "openai", "gpt-4.1-mini", r"(?i)(openai/)?gpt-4\.1-mini" + DATE, EPOCH),
    ("openai", "gpt-4.1-nano", "openai", "gpt-4.1-nano", r"(?i)(openai/)?gpt-4\.1-nano" + DATE, EPOCH),
    ("openai", "gpt-5", "openai", "gpt-5", r"(?i)(openai/)?gpt-5" + DATE, EPOCH),
    ("openai", "gpt-5-mini", "openai", "gpt-5-mini", r"(?i)(openai/)?gpt-5-mini" + DATE, EPOCH),
    ("openai", "gpt-5-nano", "openai", "gpt-5-nano", r"(?i)(openai/)?gpt-5-nano" + DATE, EPOCH),
    ("openai", "gpt-5.1", "openai", "gpt-5.1", r"(?i)(openai/)?gpt-5\.1" + DATE, EPOCH),
    ("openai", "o1", "openai", "o1", r"(?i)(openai/)?o1" + DATE, EPOCH),
    ("openai", "o3", "openai", "o3", r"(?i)(openai/)?o3" + DATE, EPOCH),
    ("openai", "o3-mini", "openai", "o3-mini", r"(?i)(openai/)?o3-mini" + DATE, EPOCH),
    ("openai", "o4-mini", "openai", "o4-mini", r"(?i)(openai/)?o4-mini" + DATE, EPOCH),
    # Azure OpenAI (deployment names are the customer's: map them with promptengine.pricing.aliases)
    ("azure", "gpt-4o", "azure", "azure/gpt-4o", r"(?i)(azure/)?gpt-4o" + DATE, EPOCH),
    ("azure", "gpt-4o-mini", "azure", "azure/gpt-4o-mini", r"(?i)(azure/)?gpt-4o-mini" + DATE, EPOCH),
    ("azure", "gpt-4.1", "azure", "azure/gpt-4.1", r"(?i)(azure/)?gpt-4\.1" + DATE, EPOCH),
    # Anthropic
    ("anthropic", "claude-3-haiku-20240307", "anthropic", "claude-3-haiku-20240307",
     r"(?i)(anthropic/)?claude-3-haiku-20240307", "2024-08-14T00:00:00Z"),
    ("anthropic", "claude-3-opus-20240229", "anthropic", "claude-3-opus-20240229",
     r"(?i)(anthropic/)?claude-3-opus(-20240229|-latest)", EPOCH),
    ("anthropic", "claude-3-7-sonnet-20250219", "anthropic", "claude-3-7-sonnet-20250219",
     r"(?i)(anthropic/)?claude-3-7-sonnet(-20250219|-latest)", EPOCH),
    ("anthropic", "claude-sonnet-4-20250514", "anthropic", "claude-sonnet-4-20250514",
     r"(?i)(anthropic/)?claude-(sonnet-4|4-sonnet)(-20250514)?", EPOCH),
    ("anthropic", "claude-sonnet-4-5", "anthropic", "claude-sonnet-4-5", r"(?i)(anthropic/)?claude-sonnet-4-5(-\d{8})?", EPOCH),
    ("anthropic", "claude-sonnet-4-6", "anthropic", "claude-sonnet-4-6", r"(?i)(anthropic/)?claude-sonnet-4-6(-\d{8})?", EPOCH),
    ("anthropic", "claude-opus-4-1", "anthropic", "claude-opus-4-1", r"(?i)(anthropic/)?claude-opus-4-1(-\d{8})?", EPOCH),
    ("anthropic", "claude-opus-4-5", "anthropic", "claude-opus-4-5", r"(?i)(anthropic/)?claude-opus-4-5(-\d{8})?", EPOCH),
    ("anthropic", "claude-haiku-4-5", "anthropic", "claude-haiku-4-5", r"(?i)(anthropic/)?claude-haiku-4-5(-\d{8})?", EPOCH),
    # Amazon Bedrock (cross-region inference prefixes us./eu./apac./... in the patterns)
    ("bedrock", "anthropic.claude-3-5-sonnet-20241022-v2:0", "bedrock", "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
     r"(?i)((us|eu|apac)\.)?anthropic\.claude-3-5-sonnet-20241022-v2:0", EPOCH),
    ("bedrock", "anthropic.claude-3-haiku-20240307-v1:0", "bedrock", "anthropic.claude-3-haiku-20240307-v1:0",
     r"(?i)((us|eu|apac)\.)?anthropic\.claude-3-haiku-20240307-v1:0", EPOCH),
    ("bedrock", "anthropic.claude-sonnet-4-5-20250929-v1:0", "bedrock_converse", "anthropic.claude-sonnet-4-5-20250929-v1:0",
     r"(?i)(global\.)?anthropic\.claude-sonnet-4-5-20250929-v1:0", EPOCH),
    ("bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "bedrock_converse", "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
     r"(?i)(us|eu|jp|au)\.anthropic\.claude-sonnet-4-5-20250929-v1:0", EPOCH),
    # Google (provider aliases gemini, vertex_ai -> google)
    ("google", "gemini-2.5-pro", "gemini", "gemini/gemini-2.5-pro", r"(?i)(gemini/|models/)?gemini-2\.5-pro(-preview-[\w-]+)?", EPOCH),
    ("google", "gemini-2.5-flash", "gemini", "gemini/gemini-2.5-flash", r"(?i)(gemini/|models/)?gemini-2\.5-flash(-\d{3}|-preview-\d{2}-\d{4})?", EPOCH),
    ("google", "gemini-2.5-flash-lite", "gemini", "gemini/gemini-2.5-flash-lite", r"(?i)(gemini/|models/)?gemini-2\.5-flash-lite(-\d{3}|-preview-\d{2}-\d{4})?", EPOCH),
    ("google", "gemini-2.0-flash", "gemini", "gemini/gemini-2.0-flash", r"(?i)(gemini/|models/)?gemini-2\.0-flash(-\d{3})?", EPOCH),
    ("google", "gemini-2.0-flash-lite", "gemini", "gemini/gemini-2.0-flash-lite", r"(?i)(gemini/|models/)?gemini-2\.0-flash-lite(-\d{3})?", EPOCH),
    ("google", "gemini-3-pro-preview", "gemini", "gemini/gemini-3-pro-preview", r"(?i)(gemini/|models/)?gemini-3-pro-preview", EPOCH),
    # Mistral
    ("mistral", "mistral-large-latest", "mistral", "mistral/mistral-large-latest", r"(?i)(mistral/)?mistral-large-(latest|2512|3)", EPOCH),
    ("mistral", "mistral-medium-latest", "mistral", "mistral/mistral-medium-latest", r"(?i)(mistral/)?mistral-medium-(latest|2604|3-5)", EPOCH),
    ("mistral", "mistral-small-latest", "mistral", "mistral/mistral-small-latest", r"(?i)(mistral/)?mistral-small-(latest|2506|3-2-2506)", EPOCH),
    ("mistral", "magistral-medium-latest", "mistral", "mistral/magistral-medium-latest", r"(?i)(mistral/)?magistral-medium-(latest|\d{4})", EPOCH),
    ("mistral", "codestral-2508", "mistral", "mistral/codestral-2508", r"(?i)(mistral/)?codestral-2508", EPOCH),
    ("mistral", "ministral-8b-latest", "mistral", "mistral/ministral-8b-latest", r"(?i)(mistral/)?ministral-8b-(latest|2512)", EPOCH),
    ("mistral", "open-mistral-nemo", "mistral", "mistral/open-mistral-nemo", r"(?i)(mistral/)?open-mistral-nemo(-2407)?", EPOCH),
    # DeepSeek, xAI, Cohere
    ("deepseek", "deepseek-chat", "deepseek", "deepseek-chat", r"(?i)(deepseek/)?deepseek-chat", EPOCH),
    ("deepseek", "deepseek-reasoner", "deepseek", "deepseek-reasoner", r"(?i)(deepseek/)?deepseek-reasoner", EPOCH),
    ("xai", "grok-4", "xai", "xai/grok-4", r"(?i)(xai/)?grok-4(-0709|-latest)?", EPOCH),
    ("xai", "grok-4-1-fast", "xai", "xai/grok-4-1-fast", r"(?i)(xai/)?grok-4-1-fast(-reasoning|-non-reasoning)?(-latest)?", EPOCH),
    ("xai", "grok-3", "xai", "xai/grok-3", r"(?i)(xai/)?grok-3(-beta|-latest)?", EPOCH),
    ("xai", "grok-3-mini", "xai", "xai/grok-3-mini", r"(?i)(xai/)?grok-3-mini(-beta|-latest)?", EPOCH),
    ("cohere", "command-a-03-2025", "cohere_chat", "command-a-03-2025", r"(?i)command-a-03-2025", EPOCH),
    ("cohere", "command-r-plus", "cohere_chat", "command-r-plus", r"(?i)command-r-plus(-08-2024)?", EPOCH),
    ("cohere", "command-r", "cohere_chat", "command-r", r"(?i)command-r(-08-2024)?", EPOCH),
]

# The seed's five prices (per 1K x 1000), effective 2024-01-01. Where the current price differs,
# the seed row ends where the current row begins (effective_from of the CURRENT/LANGFUSE row).
SEED_ROWS = [
    ("openai", "gpt-4o", "5.00", "15.00"),
    ("openai", "gpt-4o-mini", "0.15", "0.60"),
    ("openai", "gpt-3.5-turbo", "0.50", "1.50"),
    ("anthropic", "claude-3-5-sonnet-20241022", "3.00", "15.00"),
    ("anthropic", "claude-3-haiku-20240307", "0.25", "1.25"),
]
SEED_PATTERNS = {
    "gpt-4o": r"(?i)(openai/)?gpt-4o" + DATE,
    "gpt-4o-mini": r"(?i)(openai/)?gpt-4o-mini" + DATE,
    "gpt-3.5-turbo": r"(?i)(openai/)?gpt-3\.5-turbo(-0125)?",
    "claude-3-5-sonnet-20241022": r"(?i)(anthropic/)?claude-3-5-sonnet(-20241022|-latest)",
    "claude-3-haiku-20240307": r"(?i)(anthropic/)?claude-3-haiku-20240307",
}
# claude-3-5-sonnet-20241022 is no longer in litellm's anthropic rows; its current price comes from Langfuse.
LANGFUSE_ROWS = [
    ("anthropic", "claude-3-5-sonnet-20241022", "claude-3.5-sonnet-20241022", "2024-10-22T00:00:00Z"),
]


def plain(d):
    if d is None:
        return None
    text = format(d.normalize(), "f")
    return text


def row(provider, model, pattern, values, effective_from, source):
    return {
        "provider": provider,
        "model": model,
        "match_pattern": pattern,
        "input_per_1m": values.get("input"),
        "output_per_1m": values.get("output"),
        "cached_input_per_1m": values.get("cached"),
        "cache_write_per_1m": values.get("write"),
        "reasoning_per_1m": values.get("reasoning"),
        "long_context_threshold": values.get("threshold"),
        "long_context_input_per_1m": values.get("lc_input"),
        "long_context_output_per_1m": values.get("lc_output"),
        "effective_from": effective_from,
        "effective_until": None,
        "source": source,
    }


def main(reference):
    litellm = {}
    with open(Path(reference) / "litellm-chat-prices.csv", newline="") as f:
        for r in csv.DictReader(f):
            litellm[(r["provider"], r["model"])] = r
    langfuse = {}
    with open(Path(reference) / "langfuse-default-prices.csv", newline="") as f:
        for r in csv.DictReader(f):
            if r["tier_is_default"] == "true":
                langfuse.setdefault(r["model_name"], {})[r["usage_type"]] = Decimal(r["usd_per_unit"])

    def dec(text):
        return None if text in (None, "") else plain(Decimal(text))

    rows = []
    current_from = {}
    for provider, model, lp, key, pattern, effective_from in CURRENT:
        r = litellm[(lp, key)]
        values = {
            "input": dec(r["input_usd_per_1m"]),
            "output": dec(r["output_usd_per_1m"]),
            "cached": dec(r["cache_read_usd_per_1m"]),
            "write": dec(r["cache_write_usd_per_1m"]),
            "reasoning": dec(r["reasoning_usd_per_1m"]),
        }
        if r["input_above_200k_usd_per_1m"] or r["output_above_200k_usd_per_1m"]:
            values.update(threshold=200000, lc_input=dec(r["input_above_200k_usd_per_1m"]),
                          lc_output=dec(r["output_above_200k_usd_per_1m"]))
        rows.append(row(provider, model, pattern, values, effective_from, f"{LITELLM}: {lp} {key}"))
        current_from[(provider, model)] = (effective_from, values)
    for provider, model, name, effective_from in LANGFUSE_ROWS:
        p = langfuse[name]
        m = Decimal(1000000)
        values = {
            "input": plain(p["input"] * m),
            "output": plain(p["output"] * m),
            "cached": plain(p["input_cache_read"] * m),
            "write": plain(p["input_cache_creation"] * m),
        }
        rows.append(row(provider, model, SEED_PATTERNS[model], values, effective_from, f"{LANGFUSE}: {name}"))
        current_from[(provider, model)] = (effective_from, values)
    for provider, model, input_price, output_price in SEED_ROWS:
        values = {"input": plain(Decimal(input_price)), "output": plain(Decimal(output_price))}
        seed = row(provider, model, SEED_PATTERNS[model], values, EPOCH, SEED)
        current = current_from.get((provider, model))
        if current is not None:
            effective_from, current_values = current
            if {k: v for k, v in current_values.items() if v is not None} == values:
                raise SystemExit(f"{model}: current price equals the seed's; drop the current row")
            seed["effective_until"] = effective_from
        rows.append(seed)
    rows.sort(key=lambda r: (r["provider"], r["model"], r["effective_from"]))
    catalog = {
        "description": "cost-service default catalog, USD per 1M tokens; see docs/pricing.md",
        "sources": [SEED, LITELLM, LANGFUSE],
        "prices": rows,
    }
    out = Path(__file__).resolve().parent.parent / "src/main/resources/pricing/default-catalog.json"
    out.write_text(json.dumps(catalog, indent=2) + "\n")
    print(f"wrote {len(rows)} rows to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../../../shared/reference/pricing")
