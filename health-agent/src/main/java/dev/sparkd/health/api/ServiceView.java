package dev.sparkd.health.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import dev.sparkd.health.fleet.ServiceStatus;
import dev.sparkd.health.incident.History;

/** A service as {@code /api/v1/services} shows it: its status, uptime over 24 h and 7 d, and optionally its timeline. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceView(@JsonUnwrapped ServiceStatus status, @JsonProperty("uptime_24h") Double uptime24h,
        @JsonProperty("uptime_7d") Double uptime7d, @JsonProperty("timeline_24h") List<History.Segment> timeline) {
}
