package dev.promptengine.analytics.alert;

import dev.promptengine.analytics.alert.AlertViews.DeliveryView;
import dev.promptengine.analytics.alert.AlertViews.RuleView;
import dev.promptengine.analytics.alert.AlertViews.TransitionView;
import dev.promptengine.analytics.audit.AuditTrail;
import dev.promptengine.analytics.filter.InvalidParameterException;
import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * {@code /v1/alerts/rules}: a tenant's alert rules, their state, history and webhook deliveries;
 * silencing and acknowledging. Analysts and admins of the tenant; a rule an admin locked only admins
 * may change or delete. Every call is audited.
 */
@RestController
@RequiresRole({Role.ANALYST, Role.ADMIN})
@Tag(name = "Alerts", description = "Alert rules evaluated every minute from the rollups; state, history, webhooks")
class AlertRulesController {

    static final int MAX_LIMIT = 500;
    static final Duration MAX_SILENCE = Duration.ofDays(90);

    record RuleList(List<RuleView> rules) {}

    record Firing(int count, List<RuleView> rules) {}

    record History(List<TransitionView> transitions) {}

    record Deliveries(List<DeliveryView> deliveries) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record SilenceRequest(
            @Schema(
                    description = "Until when no webhook is called (at most 90 days ahead); null lifts the silence",
                    example = "2026-12-04T08:00:00Z")
            Instant until) {}

    private final AlertRuleRepository rules;
    private final AlertViews views;
    private final AuditTrail audit;
    private final Clock clock;

    AlertRulesController(AlertRuleRepository rules, AlertViews views, AuditTrail audit, Clock clock) {
        this.rules = rules;
        this.views = views;
        this.audit = audit;
        this.clock = clock;
    }

    @PostMapping("/v1/alerts/rules")
    @Operation(
            summary = "Create an alert rule",
            description = "A metric over a sliding window (5m to 30d) of a scope, compared with a threshold or as a"
                    + " change against the previous window or the same window last week; a budget of a calendar"
                    + " period; or an anomaly: each complete hour against the median ± k scaled MADs of the same"
                    + " hour of the week. 400 names the field and its limit; only admins may create a locked rule.")
    ResponseEntity<RuleView> create(Caller caller, @RequestBody RuleRequest request) {
        var checked = RuleValidation.check(request);
        requireAdminToLock(caller, request);
        Instant now = clock.instant();
        var rule = rules.save(rule(checked, caller.tenant(), UUID.randomUUID(), caller.keyName(), now, now, null));
        audit.record(caller, "POST /v1/alerts/rules", describe(rule), 1);
        return ResponseEntity.status(HttpStatus.CREATED).body(views.view(rule));
    }

    @GetMapping("/v1/alerts/rules")
    @Operation(summary = "The tenant's alert rules, each with its state")
    RuleList list(Caller caller) {
        var answer = views.views(rules.findByTenantOrderByCreatedAt(caller.tenant()));
        audit.record(caller, "GET /v1/alerts/rules", Map.of(), answer.size());
        return new RuleList(answer);
    }

    @GetMapping("/v1/alerts/firing")
    @Operation(summary = "Rules firing now (the dashboard's badge)")
    Firing firing(Caller caller) {
        var firing = views.inState(caller.tenant(), StateMachine.FIRING).stream()
                .map(rules::findById)
                .flatMap(java.util.Optional::stream)
                .toList();
        var answer = views.views(firing);
        audit.record(caller, "GET /v1/alerts/firing", Map.of(), answer.size());
        return new Firing(answer.size(), answer);
    }

    @GetMapping("/v1/alerts/rules/{id}")
    @Operation(summary = "One rule with its state")
    RuleView get(Caller caller, @PathVariable String id) {
        var rule = find(caller, id);
        audit.record(caller, "GET /v1/alerts/rules/{id}", Map.of("id", rule.id().toString()), 1);
        return views.view(rule);
    }

    @PutMapping("/v1/alerts/rules/{id}")
    @Operation(
            summary = "Replace a rule",
            description = "The whole rule as for POST; its state and history stay. A locked rule: admins only.")
    RuleView replace(Caller caller, @PathVariable String id, @RequestBody RuleRequest request) {
        var existing = find(caller, id);
        requireMayChange(caller, existing);
        var checked = RuleValidation.check(request);
        requireAdminToLock(caller, request);
        var rule = rules.save(rule(
                checked,
                existing.tenant(),
                existing.id(),
                existing.createdBy(),
                existing.createdAt(),
                clock.instant(),
                existing));
        audit.record(caller, "PUT /v1/alerts/rules/{id}", describe(rule), 1);
        return views.view(rule);
    }

    @DeleteMapping("/v1/alerts/rules/{id}")
    @Operation(summary = "Delete a rule with its state and history (a locked rule: admins only)")
    ResponseEntity<Void> delete(Caller caller, @PathVariable String id) {
        var rule = find(caller, id);
        requireMayChange(caller, rule);
        rules.delete(rule);
        audit.record(
                caller, "DELETE /v1/alerts/rules/{id}", Map.of("id", rule.id().toString()), 1);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/v1/alerts/rules/{id}/silence")
    @Operation(
            summary = "Silence a rule until a time",
            description = "Evaluation and the alert events go on (marked silenced); no webhook is called until"
                    + " then. until null lifts it. A locked rule: admins only.")
    RuleView silence(Caller caller, @PathVariable String id, @RequestBody SilenceRequest request) {
        var rule = find(caller, id);
        requireMayChange(caller, rule);
        Instant now = clock.instant();
        Instant until = request == null ? null : request.until();
        if (until != null && (!until.isAfter(now) || until.isAfter(now.plus(MAX_SILENCE)))) {
            throw new InvalidParameterException(
                    "until", "'until' must be in the future and at most 90 days ahead; got " + until);
        }
        var silenced = rules.save(rule.silenced(until, now));
        var details = new LinkedHashMap<String, Object>();
        details.put("id", rule.id().toString());
        details.put("until", until == null ? null : until.toString());
        audit.record(caller, "POST /v1/alerts/rules/{id}/silence", details, 1);
        return views.view(silenced);
    }

    @PostMapping("/v1/alerts/rules/{id}/acknowledge")
    @Operation(
            summary = "Acknowledge a firing rule",
            description = "Records who took it (shown with the state until the rule fires again); 409 when the rule"
                    + " is not firing.")
    RuleView acknowledge(Caller caller, @PathVariable String id) {
        var rule = find(caller, id);
        if (!views.acknowledge(rule.id(), caller.keyName(), clock.instant())) {
            throw new AlertProblems.ConflictException(
                    "Rule " + rule.id() + " is " + views.state(rule.id()) + ", not firing: nothing to acknowledge");
        }
        audit.record(
                caller,
                "POST /v1/alerts/rules/{id}/acknowledge",
                Map.of("id", rule.id().toString()),
                1);
        return views.view(rule);
    }

    @GetMapping("/v1/alerts/rules/{id}/history")
    @Operation(summary = "The rule's transitions, newest first")
    History history(Caller caller, @PathVariable String id, @RequestParam(defaultValue = "100") int limit) {
        var rule = find(caller, id);
        var answer = views.history(rule.id(), limit(limit));
        audit.record(
                caller,
                "GET /v1/alerts/rules/{id}/history",
                Map.of("id", rule.id().toString()),
                answer.size());
        return new History(answer);
    }

    @GetMapping("/v1/alerts/rules/{id}/deliveries")
    @Operation(summary = "The rule's webhook attempts (the delivery log), newest first")
    Deliveries deliveries(Caller caller, @PathVariable String id, @RequestParam(defaultValue = "100") int limit) {
        var rule = find(caller, id);
        var answer = views.deliveries(rule.id(), limit(limit));
        audit.record(
                caller,
                "GET /v1/alerts/rules/{id}/deliveries",
                Map.of("id", rule.id().toString()),
                answer.size());
        return new Deliveries(answer);
    }

    private static int limit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidParameterException(
                    "limit", "'limit' must be between 1 and " + MAX_LIMIT + "; got " + limit);
        }
        return limit;
    }

    /** The caller's tenant's rule; another tenant's rule is as unknown as a missing one. */
    private AlertRule find(Caller caller, String id) {
        UUID ruleId;
        try {
            ruleId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException("id", "'id' must be a UUID; got '" + id + "'");
        }
        return rules.findById(ruleId)
                .filter(rule -> rule.tenant().equals(caller.tenant()))
                .orElseThrow(() -> new AlertProblems.NotFoundException("No alert rule " + ruleId));
    }

    private static void requireMayChange(Caller caller, AlertRule rule) {
        if (rule.locked() && caller.role() != Role.ADMIN) {
            throw new AlertProblems.ForbiddenException(
                    "locked", "Rule " + rule.id() + " is locked by an admin: only admins may change or delete it");
        }
    }

    private static void requireAdminToLock(Caller caller, RuleRequest request) {
        if (Boolean.TRUE.equals(request.locked()) && caller.role() != Role.ADMIN) {
            throw new AlertProblems.ForbiddenException("locked", "Only admins may lock a rule");
        }
    }

    private static AlertRule rule(
            RuleValidation.Checked checked,
            String tenant,
            UUID id,
            String createdBy,
            Instant createdAt,
            Instant now,
            AlertRule existing) {
        var r = checked.request();
        var scope = checked.scope();
        return new AlertRule(
                id,
                tenant,
                r.name(),
                checked.metric().parameterValue(),
                scope.prompt(),
                scope.version(),
                scope.environment(),
                scope.provider(),
                scope.model(),
                scope.user(),
                checked.windowSeconds(),
                r.condition(),
                checked.operator(),
                r.threshold(),
                r.compareTo(),
                r.budgetPeriod(),
                AlertRule.levels(checked.notifyAt()),
                checked.baselineWeeks(),
                r.minVolume() == null ? 0 : r.minVolume(),
                r.consecutive() == null ? 1 : r.consecutive(),
                r.webhookUrl(),
                r.webhookSecret(),
                r.webhookFormat() == null ? "json" : r.webhookFormat(),
                r.enabled() == null || r.enabled(),
                Boolean.TRUE.equals(r.locked()),
                existing == null ? null : existing.silencedUntil(),
                createdBy,
                createdAt,
                now,
                existing == null ? null : existing.version());
    }

    /** The rule as the audit trail records it (never the webhook secret). */
    private static Map<String, Object> describe(AlertRule rule) {
        var view = AlertViews.view(rule, AlertViews.StateView.NEVER_EVALUATED);
        var out = new LinkedHashMap<String, Object>();
        out.put("id", rule.id().toString());
        out.put("name", rule.name());
        out.put("metric", rule.metric());
        out.put("scope", view.scope());
        out.put("window", view.window());
        out.put("condition", rule.condition());
        out.put("operator", view.operator());
        out.put("threshold", view.threshold());
        out.put("webhook_url", rule.webhookUrl());
        out.put("locked", rule.locked());
        out.put("enabled", rule.enabled());
        return out;
    }
}
