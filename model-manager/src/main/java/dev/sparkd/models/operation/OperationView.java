package dev.sparkd.models.operation;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** An operation as the API shows it: snake_case, byte counts, rate in bytes per second, ETA in seconds. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OperationView(String id, String kind, String service, String subject, String state,
        @JsonProperty("started_at") String startedAt, @JsonProperty("finished_at") String finishedAt,
        @JsonProperty("duration_seconds") double durationSeconds,
        @JsonProperty("bytes_done") long bytesDone, @JsonProperty("bytes_total") long bytesTotal,
        @JsonProperty("rate_bytes_per_second") long rateBytesPerSecond, @JsonProperty("eta_seconds") Long etaSeconds,
        String error, List<Operation.Attempt> attempts, List<Operation.Event> events) {
}
