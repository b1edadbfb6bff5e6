package dev.spool.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reading of the Prometheus text exposition format (0.0.4): every line is a {@code # HELP}, a
 * {@code # TYPE} or a sample {@code name{label="value",...} number}; anything else fails the parse.
 */
record PrometheusText(Map<String, Double> samples, Map<String, String> types) {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final String LABEL_VALUE = "\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"";
    private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*=" + LABEL_VALUE;
    private static final String NUMBER = "[-+]?(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|NaN|Inf)";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");
    private static final Pattern TYPE =
            Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile(
            "(" + NAME + ")(\\{(?:" + LABEL + "(?:," + LABEL + ")*,?)?})? (" + NUMBER + ")(?: -?[0-9]+)?");
    private static final Pattern ONE_LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=(" + LABEL_VALUE + ")");

    static PrometheusText parse(String text) {
        var samples = new HashMap<String, Double>();
        var types = new HashMap<String, String>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher sample = SAMPLE.matcher(line);
            Matcher type = TYPE.matcher(line);
            if (sample.matches()) {
                String key = key(sample.group(1), sample.group(2));
                if (samples.put(key, Double.parseDouble(sample.group(3).replace("Inf", "Infinity"))) != null) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": sample repeated: " + line);
                }
            } else if (type.matches()) {
                types.put(type.group(1), type.group(2));
            } else if (!HELP.matcher(line).matches()) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not Prometheus text: " + line);
            }
        }
        return new PrometheusText(Map.copyOf(samples), Map.copyOf(types));
    }

    /** The value of one series, named by metric and labels in any order; 0 when absent. */
    double value(String name, String... labels) {
        var map = new java.util.TreeMap<String, String>();
        for (int i = 0; i < labels.length; i += 2) {
            map.put(labels[i], labels[i + 1]);
        }
        return samples.getOrDefault(name + map, 0.0);
    }

    boolean has(String name) {
        return samples.keySet().stream().anyMatch(k -> k.equals(name + "{}") || k.startsWith(name + "{"));
    }

    private static String key(String name, String labelText) {
        var map = new java.util.TreeMap<String, String>();
        if (labelText != null) {
            Matcher label = ONE_LABEL.matcher(labelText);
            while (label.find()) {
                String quoted = label.group(2);
                map.put(label.group(1), quoted.substring(1, quoted.length() - 1));
            }
        }
        return name + map;
    }
}
