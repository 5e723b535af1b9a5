package dev.sparkd.daemon.boot;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code [suite] log_format = "json"}: one JSON object per log line (time, level, logger, thread, message, request id,
 * exception), for journald and log shippers. Installed on the console handlers as the daemon starts, so the few lines
 * Quarkus prints while it boots stay plain text. (Quarkus' own JSON logging extension is not in the registry this
 * project builds from.)
 */
@ApplicationScoped
public class JsonLogFormat {
    public static final String PROPERTY = "sparkd.log.json";

    void install(@Observes @Priority(1) StartupEvent event, DaemonConfig daemon) {
        if (!daemon.logJson()) {
            return;
        }
        Formatter formatter = new JsonFormatter();
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            install(handler, formatter);
        }
    }

    private static void install(Handler handler, Formatter formatter) {
        handler.setFormatter(formatter);
        if (handler instanceof org.jboss.logmanager.ExtHandler ext) {
            for (Handler child : ext.getHandlers()) {
                install(child, formatter);
            }
        }
    }

    /** Formats one record as a single line of JSON; never throws. */
    static final class JsonFormatter extends Formatter {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Override
        public String format(LogRecord record) {
            ObjectNode line = JSON.createObjectNode();
            line.put("time", Instant.ofEpochMilli(record.getMillis()).toString());
            line.put("level", record.getLevel().getName());
            line.put("logger", record.getLoggerName());
            line.put("message", formatMessage(record));
            if (record instanceof ExtLogRecord ext) {
                line.put("thread", ext.getThreadName());
                String requestId = ext.getMdc("request_id");
                if (requestId != null) {
                    line.put("request_id", requestId);
                }
            }
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                line.put("exception", trace.toString());
            }
            try {
                return JSON.writeValueAsString(line) + "\n";
            } catch (JsonProcessingException e) {
                return "{\"level\":\"ERROR\",\"message\":\"unformattable log record\"}\n";
            }
        }
    }
}
