package io.kizuna.common.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;

import org.jboss.logmanager.ExtFormatter;
import org.jboss.logmanager.ExtLogRecord;

/** Formats a log record as one JSON object per line, the shape log shippers expect. */
public class JsonLineFormatter extends ExtFormatter {

    @Override
    public String format(ExtLogRecord record) {
        StringBuilder json = new StringBuilder(256).append('{');
        field(json, "timestamp", Instant.ofEpochMilli(record.getMillis()).toString());
        field(json, "level", record.getLevel().getName());
        field(json, "loggerName", record.getLoggerName());
        field(json, "threadName", record.getThreadName());
        field(json, "message", formatMessage(record));
        Map<String, String> mdc = record.getMdcCopy();
        if (mdc != null) {
            mdc.forEach((key, value) -> field(json, key, value));
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            field(json, "exception", trace.toString());
        }
        return json.append("}\n").toString();
    }

    private static void field(StringBuilder json, String name, String value) {
        if (value == null) {
            return;
        }
        if (json.length() > 1) {
            json.append(',');
        }
        quote(json, name);
        json.append(':');
        quote(json, value);
    }

    private static void quote(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
