package dev.promptengine.deploy.kubernetes;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks one manifest against the API it is written for, strictly (as {@code kubectl apply
 * --validate=strict} would): an unknown field, a value of the wrong type or an unknown
 * apiVersion/kind is a problem.
 *
 * <ul>
 *   <li>Kubernetes' own kinds and Strimzi's are read into the typed API models those projects publish
 *       on Maven Central (fabric8's Kubernetes model, generated from the Kubernetes OpenAPI
 *       document; Strimzi's {@code io.strimzi:api}, from which Strimzi generates its CRDs), with
 *       their catch-all for unknown fields switched off and no scalar coercion.
 *   <li>CloudNativePG's {@code Cluster} and KEDA's {@code ScaledObject} and {@code TriggerAuthentication}
 *       have no model on Maven Central: they are checked with the networknt JSON-schema validator
 *       against strict schemas in {@code src/test/resources/kubernetes-schemas/}, written for the
 *       fields these manifests use from the projects' API references (docs/deploy.md, "How the
 *       build checks these").
 * </ul>
 */
final class ManifestValidator {

    private static final Map<String, Class<?>> MODELS = Map.of(
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class,
            "kafka.strimzi.io/v1/Kafka", Kafka.class,
            "kafka.strimzi.io/v1/KafkaNodePool", KafkaNodePool.class,
            "kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class,
            "kafka.strimzi.io/v1/KafkaUser", KafkaUser.class);

    private static final Map<String, String> SCHEMAS = Map.of(
            "postgresql.cnpg.io/v1/Cluster", "cnpg-cluster.json",
            "keda.sh/v1alpha1/ScaledObject", "keda-scaledobject.json",
            "keda.sh/v1alpha1/TriggerAuthentication", "keda-triggerauthentication.json");

    /** A DNS-1123 subdomain, what Kubernetes requires of most object names. */
    private static final Pattern NAME =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private final ObjectMapper strict = JsonMapper.builder()
            .annotationIntrospector(new StrictIntrospector())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private final tools.jackson.databind.ObjectMapper json = new tools.jackson.databind.ObjectMapper();

    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    /** What is wrong with the manifest; empty when it is valid. */
    List<String> problems(Map<String, Object> manifest) {
        String type = manifest.get("apiVersion") + "/" + manifest.get("kind");
        Object name = manifest.get("metadata") instanceof Map<?, ?> metadata ? metadata.get("name") : null;
        String where = type + " " + name + ": ";
        if (!(name instanceof String text) || !NAME.matcher(text).matches() || text.length() > 253) {
            return List.of(where + "metadata.name must be a DNS-1123 subdomain");
        }
        Class<?> model = MODELS.get(type);
        if (model != null) {
            String version = ((String) manifest.get("apiVersion")).replaceFirst(".*/", "");
            if (!served(model, version)) {
                return List.of(where + "this API model does not serve version " + version);
            }
            try {
                strict.convertValue(manifest, model);
                return List.of();
            } catch (IllegalArgumentException e) {
                String path = e.getCause() instanceof JsonMappingException mapping ? mapping.getPathReference() : "";
                String message = e.getCause() instanceof JsonMappingException mapping
                        ? mapping.getOriginalMessage()
                        : e.getMessage();
                return List.of(where + path + ": " + message.lines().findFirst().orElse(""));
            }
        }
        String schema = SCHEMAS.get(type);
        if (schema != null) {
            return schema(schema).validate(json.valueToTree(manifest)).stream()
                    .map(error -> where + error)
                    .toList();
        }
        return List.of(where + "no schema for this apiVersion and kind");
    }

    /** Strimzi's models list the versions their CRD serves; fabric8's serve the one they are for. */
    private static boolean served(Class<?> model, String version) {
        try {
            return ((List<?>) model.getField("VERSIONS").get(null)).contains(version);
        } catch (NoSuchFieldException e) {
            return true;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private Schema schema(String file) {
        try (var in = ManifestValidator.class.getResourceAsStream("/kubernetes-schemas/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing schema " + file);
            }
            return registry.getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The models keep unknown fields in an "additionalProperties" map; here an unknown field fails. */
    private static final class StrictIntrospector extends JacksonAnnotationIntrospector {
        @Override
        public Boolean hasAnySetter(Annotated annotated) {
            return Boolean.FALSE;
        }

        /**
         * Strimzi's enums read an unknown value as null through their {@code @JsonCreator}; without it
         * Jackson maps by {@code @JsonValue} and refuses what no constant spells.
         */
        @Override
        public JsonCreator.Mode findCreatorAnnotation(MapperConfig<?> config, Annotated annotated) {
            if (annotated instanceof AnnotatedMember member
                    && member.getDeclaringClass().isEnum()) {
                return null;
            }
            return super.findCreatorAnnotation(config, annotated);
        }

        @Override
        public JsonIgnoreProperties.Value findPropertyIgnoralByName(MapperConfig<?> config, Annotated annotated) {
            return super.findPropertyIgnoralByName(config, annotated).withoutIgnoreUnknown();
        }
    }
}
