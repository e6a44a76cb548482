package dev.promptengine.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How busy the machine was while a scenario ran, and how much of that was the bench itself (its
 * JVM with the embedded broker, and every process it started: PostgreSQL and the services): the
 * rest is other people's work on this shared machine, i.e. noise in our numbers.
 */
final class CpuMeter {

    /** Busy share of all cores in percent: everything on the machine, and the bench's processes. */
    record Load(double machineBusyPercent, double benchBusyPercent, double othersBusyPercent) {}

    private final long machineBusyAtStart;
    private final long machineTotalAtStart;
    private final long benchAtStart;

    private CpuMeter(long machineBusy, long machineTotal, long bench, List<Long> extraRoots) {
        this.machineBusyAtStart = machineBusy;
        this.machineTotalAtStart = machineTotal;
        this.benchAtStart = bench;
        this.extraRoots = extraRoots;
    }

    private final List<Long> extraRoots;

    /** {@code extraRoots}: processes of the bench that are not its descendants (a daemonized postmaster). */
    static CpuMeter start(List<Long> extraRoots) {
        long[] machine = machineTicks();
        return new CpuMeter(machine[0], machine[1], benchTicks(extraRoots), extraRoots);
    }

    Load stop() {
        long[] machine = machineTicks();
        long total = machine[1] - machineTotalAtStart;
        if (total <= 0) {
            return new Load(0, 0, 0);
        }
        double machineBusy = 100.0 * (machine[0] - machineBusyAtStart) / total;
        double bench = 100.0 * (benchTicks(extraRoots) - benchAtStart) / total;
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

    /**
     * The bench JVM and all its live descendants, each with its reaped children (cutime, cstime):
     * a service that ended stays counted through its parent, PostgreSQL's finished backends through
     * the postmaster.
     */
    private static long benchTicks(List<Long> extraRoots) {
        var roots = new ArrayList<ProcessHandle>();
        roots.add(ProcessHandle.current());
        extraRoots.forEach(pid -> ProcessHandle.of(pid).ifPresent(roots::add));
        long sum = 0;
        for (var root : roots) {
            sum += processTicks(root.pid());
            for (var descendant : root.descendants().toList()) {
                sum += processTicks(descendant.pid());
            }
        }
        return sum;
    }

    /** utime + stime + cutime + cstime of a process in jiffies, 0 when it is gone. */
    static long processTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
