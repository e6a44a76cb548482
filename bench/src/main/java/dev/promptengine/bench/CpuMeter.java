package dev.promptengine.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/**
 * How busy the machine was while a scenario ran, and how much of that was the bench itself (its
 * JVM with the embedded broker and database client, and the service processes it started): the
 * rest is other people's work on this shared machine, i.e. noise in our numbers.
 */
final class CpuMeter {

    /** Busy share of all cores in percent: everything on the machine, and the bench's processes. */
    record Load(double machineBusyPercent, double benchBusyPercent, double othersBusyPercent) {}

    private final long machineBusyAtStart;
    private final long machineTotalAtStart;
    private final long benchAtStart;

    private CpuMeter(long machineBusy, long machineTotal, long bench) {
        this.machineBusyAtStart = machineBusy;
        this.machineTotalAtStart = machineTotal;
        this.benchAtStart = bench;
    }

    static CpuMeter start(Collection<Long> benchPids) {
        long[] machine = machineTicks();
        return new CpuMeter(machine[0], machine[1], benchTicks(benchPids));
    }

    /**
     * {@code extraBenchTicks} covers service processes that ended during the scenario (their last
     * reading), {@code benchPids} those still running.
     */
    Load stop(Collection<Long> benchPids, long extraBenchTicks) {
        long[] machine = machineTicks();
        long total = machine[1] - machineTotalAtStart;
        if (total <= 0) {
            return new Load(0, 0, 0);
        }
        double machineBusy = 100.0 * (machine[0] - machineBusyAtStart) / total;
        double bench = 100.0 * (benchTicks(benchPids) + extraBenchTicks - benchAtStart) / total;
        bench = Math.min(bench, machineBusy);
        return new Load(round(machineBusy), round(bench), round(machineBusy - bench));
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    /** busy and total jiffies over all cores from /proc/stat. */
    private static long[] machineTicks() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = line.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    private static long benchTicks(Collection<Long> pids) {
        long sum = processTicks(ProcessHandle.current().pid());
        for (long pid : pids) {
            sum += processTicks(pid);
        }
        return sum;
    }

    /** utime + stime of a process in jiffies, 0 when it is gone. */
    static long processTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
