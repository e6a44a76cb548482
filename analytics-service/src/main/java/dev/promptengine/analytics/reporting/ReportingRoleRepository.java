package dev.promptengine.analytics.reporting;

import java.util.List;
import java.util.Optional;
import org.springframework.data.repository.ListCrudRepository;

/** Plain CRUD of {@code reporting_role}; the roles themselves are DDL in {@link ReportingRoles}. */
interface ReportingRoleRepository extends ListCrudRepository<ReportingRoleRecord, String> {

    List<ReportingRoleRecord> findByTenantOrderByCreatedAtAscRoleNameAsc(String tenant);

    Optional<ReportingRoleRecord> findByRoleNameAndTenant(String roleName, String tenant);
}
