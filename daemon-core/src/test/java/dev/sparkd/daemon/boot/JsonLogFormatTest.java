package dev.sparkd.daemon.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class JsonLogFormatTest {
    @Test
    void oneLineOfValidJsonWithRequestIdAndEscapedMessage() throws Exception {
        ExtLogRecord record = new ExtLogRecord(Level.WARNING, "probe of \"vllm-1\" failed:\nrefused", ExtLogRecord.FormatStyle.NO_FORMAT, "x");
        record.setLoggerName("dev.sparkd.health");
        record.putMdc("request_id", "req-1");
        record.setThrown(new IllegalStateException("boom"));
        String line = new JsonLogFormat.JsonFormatter().format(record);
        assertThat(line).endsWith("\n").doesNotContain("\n{").hasLineCount(1);
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("level").asText()).isEqualTo("WARNING");
        assertThat(json.get("logger").asText()).isEqualTo("dev.sparkd.health");
        assertThat(json.get("message").asText()).isEqualTo("probe of \"vllm-1\" failed:\nrefused");
        assertThat(json.get("request_id").asText()).isEqualTo("req-1");
        assertThat(json.get("exception").asText()).contains("IllegalStateException: boom");
    }
}
