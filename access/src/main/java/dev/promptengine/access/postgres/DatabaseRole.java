package dev.promptengine.access.postgres;

/**
 * The login roles of the services that keep state: each stateful service's owner role owns its one
 * schema; analytics-service's query API logs in as a reader of that schema, which may read it and
 * write only the API's own tables (granted by analytics' migration {@code V10}).
 */
public enum DatabaseRole {
    COST("pe_cost", "cost", true),
    ANALYTICS("pe_analytics", "analytics", true),
    /** Provision after {@link #ANALYTICS}: it reads the schema that role owns. */
    ANALYTICS_QUERY("pe_analytics_query", "analytics", false);

    private final String role;
    private final String schema;
    private final boolean owner;

    DatabaseRole(String role, String schema, boolean owner) {
        this.role = role;
        this.schema = schema;
        this.owner = owner;
    }

    /** Whether the role owns its schema (runs the migrations) or only reads it. */
    public boolean owner() {
        return owner;
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
