package dev.sparkd.core.prometheus;

/**
 * A line the parser skipped.
 *
 * @param lineNumber 1-based line number
 * @param line the offending line (truncated to 200 characters)
 * @param reason what was wrong
 */
public record ParseProblem(int lineNumber, String line, String reason) {
}
