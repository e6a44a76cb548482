package dev.promptengine.access.postgres;

/** The login role of each service that keeps state, and the one schema it owns. */
public enum DatabaseRole {
    COST("pe_cost", "cost"),
    ANALYTICS("pe_analytics", "analytics");

    private final String role;
    private final String schema;

    DatabaseRole(String role, String schema) {
        this.role = role;
        this.schema = schema;
    }

    public String role() {
        return role;
    }

    public String schema() {
        return schema;
    }

    /** The key of this role's password in {@code .promptengine/credentials.env} and compose's {@code .env}. */
    public String passwordVariable() {
        return "PE_DB_" + name() + "_PASSWORD";
    }
}
