package dev.promptengine.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command line of the suite: {@code [scenario ...] [--runs=3] [--warmups=1] [--scale=1.0]
 * [--synchronous-commit=on|off] [--query-executions=10000000] [--budget-minutes=10]
 * [--results=bench/results] [--repo=.]}. Event counts are multiplied by {@code scale}, so
 * {@code --scale=0.1} is a quick smoke run.
 */
public record Options(
        List<String> scenarios,
        int runs,
        int warmups,
        double scale,
        String synchronousCommit,
        long queryExecutions,
        double budgetMinutes,
        Path results,
        Path repo,
        boolean list) {

    static final int MIN_RUNS = 3;

    static Options parse(String... args) {
        var scenarios = new ArrayList<String>();
        int runs = MIN_RUNS;
        int warmups = 1;
        double scale = 1.0;
        String synchronousCommit = "on";
        long queryExecutions = 10_000_000;
        double budget = 10;
        Path repo = Path.of(System.getProperty("promptengine.repo", "."))
                .toAbsolutePath()
                .normalize();
        Path results = null;
        boolean list = false;
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                scenarios.add(arg);
                continue;
            }
            String[] kv = arg.substring(2).split("=", 2);
            String value = kv.length > 1 ? kv[1] : "";
            switch (kv[0]) {
                case "runs" -> runs = Integer.parseInt(value);
                case "warmups" -> warmups = Integer.parseInt(value);
                case "scale" -> scale = Double.parseDouble(value);
                case "synchronous-commit" -> synchronousCommit = value;
                case "query-executions" -> queryExecutions = Long.parseLong(value.replace("_", ""));
                case "budget-minutes" -> budget = Double.parseDouble(value);
                case "results" -> results = Path.of(value).toAbsolutePath();
                case "repo" -> repo = Path.of(value).toAbsolutePath().normalize();
                case "list", "help" -> list = true;
                default -> throw new IllegalArgumentException("Unknown option " + arg);
            }
        }
        if (runs < MIN_RUNS) {
            throw new IllegalArgumentException("--runs must be at least " + MIN_RUNS + " (median and spread)");
        }
        if (!synchronousCommit.equals("on") && !synchronousCommit.equals("off")) {
            throw new IllegalArgumentException("--synchronous-commit must be on or off");
        }
        if (scale <= 0 || scale > 10) {
            throw new IllegalArgumentException("--scale must be in (0, 10]");
        }
        if (results == null) {
            results = repo.resolve("bench/results");
        }
        return new Options(
                List.copyOf(scenarios),
                runs,
                warmups,
                scale,
                synchronousCommit,
                queryExecutions,
                budget,
                results,
                repo,
                list);
    }

    /** A bounded event count for this run. */
    public int scaled(int count) {
        return (int) Math.max(1, Math.round(count * scale));
    }
}
