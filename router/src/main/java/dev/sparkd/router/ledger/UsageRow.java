package dev.sparkd.router.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One group of {@code GET /api/v1/usage}. */
@RegisterForReflection
public record UsageRow(String group, long requests, long errors, long prompt_tokens, long completion_tokens, double cost_usd) {
}
