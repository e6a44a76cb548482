package dev.promptengine.analytics.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A report's JSON answer as one table, so every report exports the same way: each list of objects
 * (at any depth) gives one row per element, named by its {@code section} (the list's path, such as
 * {@code groups} or {@code series.points}); the answer's top-level values give one {@code summary}
 * row, first. A row carries its element's values and those of the objects it is nested in (an
 * element whose lists have rows gives no row of its own: its values are in theirs), nested
 * objects flattened with dots ({@code differences.error_rate.p_value}). Values are the answer's
 * own text: money stays the exact decimal string, nothing is recomputed.
 */
final class ReportTable {

    static final String SECTION = "section";
    static final String SUMMARY = "summary";

    private final Set<String> columns = new LinkedHashSet<>(List.of(SECTION));
    private final List<Map<String, JsonNode>> rows = new ArrayList<>();

    private ReportTable() {}

    static ReportTable of(JsonNode answer) {
        var table = new ReportTable();
        var summary = new LinkedHashMap<String, JsonNode>();
        table.collect(answer, "", "", summary);
        if (!summary.isEmpty()) {
            table.add(SUMMARY, summary, 0); // first, before the sections
        }
        return table;
    }

    /** The columns: {@code section} first, then every value's name in the order first seen. */
    String[] columns() {
        return columns.toArray(String[]::new);
    }

    /** The rows (the summary first), each a value per column, null where it has none. */
    List<Object[]> rows() {
        String[] names = columns();
        var out = new ArrayList<Object[]>(rows.size());
        for (var row : rows) {
            Object[] fields = new Object[names.length];
            for (int i = 0; i < names.length; i++) {
                fields[i] = value(row.get(names[i]));
            }
            out.add(fields);
        }
        return out;
    }

    /**
     * Puts the scalars of {@code node} (prefixed) into {@code values}, and emits one section per list
     * of objects under it, each element's row starting from a copy of {@code values}.
     */
    private void collect(JsonNode node, String path, String prefix, Map<String, JsonNode> values) {
        var lists = new ArrayList<Map.Entry<String, JsonNode>>();
        for (var entry : node.properties()) {
            JsonNode value = entry.getValue();
            String name = prefix + entry.getKey();
            if (value.isObject()) {
                collect(value, path, name + ".", values);
            } else if (value.isArray() && !value.isEmpty() && value.get(0).isObject()) {
                lists.add(Map.entry(name, value));
            } else {
                values.put(name, value);
            }
        }
        for (var list : lists) {
            String section = path.isEmpty() ? list.getKey() : path + "." + list.getKey();
            for (JsonNode element : list.getValue()) {
                var row = new LinkedHashMap<String, JsonNode>(path.isEmpty() ? Map.of() : values);
                int before = rows.size();
                collect(element, section, "", row);
                if (rows.size() == before) { // an element with lists is carried by their rows
                    add(section, row, before);
                }
            }
        }
    }

    private void add(String section, Map<String, JsonNode> values, int at) {
        var row = new LinkedHashMap<String, JsonNode>();
        row.put(SECTION, tools.jackson.databind.node.JsonNodeFactory.instance.stringNode(section));
        row.putAll(values);
        columns.addAll(values.keySet());
        rows.add(at, row);
    }

    private static Object value(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            // latencies, rates and percentages: numbers in the API, so numbers here (money is a string there)
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isArray()) {
            return node.toString();
        }
        return node.asString();
    }
}
