package dev.sparkd.models.engine;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import dev.sparkd.core.config.ByteSizes;

/** What a reconcile would change, per service — printed like a Terraform plan, answered by {@code GET /api/v1/plan}. */
public record Plan(List<ServicePlan> services) {

    /** Actions: {@code pull}, {@code update}, {@code prune}, {@code swap} change something; the rest do not. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Item(String action, String model, String detail, Long bytes) {
        @JsonIgnore
        public boolean isChange() {
            return switch (action) {
                case "pull", "update", "prune", "swap" -> true;
                default -> false;
            };
        }

        String symbol() {
            return switch (action) {
                case "pull" -> "+";
                case "update", "swap" -> "~";
                case "prune" -> "-";
                case "keep" -> "=";
                default -> "!";
            };
        }
    }

    /** One service's part; {@code error} when its state could not be read (the plan is then incomplete). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ServicePlan(String service, String kind, String host, List<Item> items, String error) {
    }

    public boolean hasChanges() {
        return services.stream().anyMatch(s -> s.error() != null || s.items().stream().anyMatch(Item::isChange));
    }

    public Map<String, Integer> counts() {
        Map<String, Integer> c = new TreeMap<>();
        services.forEach(s -> s.items().forEach(i -> c.merge(i.action(), 1, Integer::sum)));
        return c;
    }

    /** Human text: one block per service, a summary line last. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        for (ServicePlan s : services) {
            sb.append(s.service()).append(" (").append(s.kind()).append(s.host() == null ? "" : " on " + s.host()).append(")\n");
            if (s.error() != null) {
                sb.append("  ! error   ").append(s.error()).append('\n');
            }
            for (Item i : s.items()) {
                sb.append("  ").append(i.symbol()).append(' ').append(String.format("%-7s", i.action())).append(' ').append(i.model());
                if (i.bytes() != null && i.bytes() > 0) {
                    sb.append("  (").append(ByteSizes.format(i.bytes())).append(')');
                }
                if (i.detail() != null && !i.detail().isEmpty()) {
                    sb.append("  — ").append(i.detail());
                }
                sb.append('\n');
            }
        }
        Map<String, Integer> c = counts();
        long errors = services.stream().filter(s -> s.error() != null).count();
        if (!hasChanges()) {
            sb.append("No changes. Every service matches the declared models.\n");
        } else {
            sb.append("Plan: ").append(c.getOrDefault("pull", 0)).append(" to pull, ").append(c.getOrDefault("update", 0))
                    .append(" to update, ").append(c.getOrDefault("prune", 0)).append(" to prune, ")
                    .append(c.getOrDefault("swap", 0)).append(" to swap")
                    .append(errors > 0 ? ", " + errors + " service(s) unreadable" : "").append(".\n");
        }
        return sb.toString();
    }
}
