package dev.promptengine.analytics.live;

import dev.promptengine.analytics.facts.CommitAnnouncer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * One connection of its own that {@code LISTEN}s on {@value CommitAnnouncer#CHANNEL} and hands each
 * committed batch's tenants to the hub. A lost connection is opened again after a second; while it
 * is down the dashboards keep polling (they notice the push channel's silence, see dashboard.md).
 */
@Component
class CommitListener implements SmartLifecycle, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CommitListener.class);

    private final DataSourceProperties database;
    private final LiveHub hub;
    private volatile boolean running;
    private volatile Thread thread;

    CommitListener(DataSourceProperties database, LiveHub hub) {
        this.database = database;
        this.hub = hub;
    }

    @Override
    public void start() {
        running = true;
        Thread t = new Thread(this::listen, "live-commit-listener");
        t.setDaemon(true);
        t.start();
        thread = t;
    }

    private void listen() {
        while (running) {
            try (Connection connection = DriverManager.getConnection(
                    database.determineUrl(), database.determineUsername(), database.determinePassword())) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CommitAnnouncer.CHANNEL);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                log.info("Listening for committed facts on {}", CommitAnnouncer.CHANNEL);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(1000);
                    if (notifications != null && notifications.length > 0) {
                        hub.committed(tenants(notifications));
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    log.warn("Commit listener lost its connection ({}); retrying in 1 s", e.getMessage());
                    sleep();
                }
            }
        }
    }

    static Set<String> tenants(PGNotification[] notifications) {
        return Arrays.stream(notifications)
                .flatMap(n -> Arrays.stream(n.getParameter().split(",")))
                .collect(Collectors.toSet());
    }

    private void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void destroy() {
        stop();
    }
}
