package dev.actionqueues.jdbc.fault;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * An independent record of executions in a table of its own ({@code fault_ledger}, one row per run
 * of a job), written by the worker's handler in its own committed statement before the job is
 * acknowledged. A worker killed after that commit cannot take the row back, so the table tells
 * exactly what ran and how often. The queue never reads it.
 */
public final class Ledger {

    private Ledger() {
    }

    /** Creates the table in the data source's schema (harmless if it exists). */
    public static void create(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS fault_ledger (id TEXT NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT"
                    + " clock_timestamp())");
            s.execute("CREATE TABLE IF NOT EXISTS fault_deaths (id TEXT PRIMARY KEY)");
        }
    }

    /** Records one run of {@code id}, committed when this returns. */
    public static void record(DataSource dataSource, String id) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO fault_ledger (id) VALUES (?)")) {
            ps.setString(1, id);
            ps.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    /** Records one run of {@code id} through {@code c}, inside the transaction open on it. */
    public static void record(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO fault_ledger (id) VALUES (?)")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    /** Records, committed, that the worker dies running {@code id}; false if it did so before. */
    public static boolean firstDeath(DataSource dataSource, String id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO fault_deaths (id) VALUES (?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, id);
            boolean first = ps.executeUpdate() == 1;
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return first;
        }
    }

    /** How many runs are recorded in all. */
    public static long count(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM fault_ledger")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** How many times each id ran. */
    public static Map<String, Integer> runs(DataSource dataSource) throws SQLException {
        Map<String, Integer> runs = new HashMap<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, count(*) FROM fault_ledger GROUP BY id")) {
            while (rs.next()) {
                runs.put(rs.getString(1), rs.getInt(2));
            }
        }
        return runs;
    }
}
